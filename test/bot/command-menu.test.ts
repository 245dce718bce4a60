import { afterAll, beforeAll, expect, it } from "vitest";
import { Api } from "grammy";
import { adminCommands, registerAdminCommands } from "../../src/bot/commands";
import { ADMIN_COMMANDS } from "../../src/bot/features";
import { ru } from "../../src/bot/i18n";
import { FakeTelegram } from "../helpers/fake-telegram";
import { TEST_TOKEN, captureLogs } from "../helpers/harness";

let api: FakeTelegram;
beforeAll(async () => {
  api = await FakeTelegram.start();
});
afterAll(() => api.close());

it("shows the admin commands to admins only, and survives an admin who never opened the bot", async () => {
  const logs = captureLogs();
  api.failNext("setMyCommands", { error_code: 400, description: "Bad Request: chat not found" });
  await registerAdminCommands(new Api(TEST_TOKEN, { apiRoot: api.apiRoot }), [11, 22], logs.logger, async () => ru, ADMIN_COMMANDS);

  expect(api.calls.map((c) => c.method)).toEqual(["deleteMyCommands", "setMyCommands", "setMyCommands"]);
  expect(api.callsOf("setMyCommands").map((c) => c.payload)).toEqual([
    { commands: adminCommands(ADMIN_COMMANDS, ru), scope: { type: "chat", chat_id: 11 } },
    { commands: adminCommands(ADMIN_COMMANDS, ru), scope: { type: "chat", chat_id: 22 } },
  ]);
  expect(adminCommands(ADMIN_COMMANDS, ru).map((c) => c.command)).toEqual(["bookings", "queue", "user", "booking", "stats", "export", "templates", "broadcast", "courses", "coupons", "workshops", "health", "lang", "help"]);
  expect(logs.lines).toContainEqual(expect.objectContaining({ chat_id: 11, level: 40 }));
  expect(JSON.stringify(logs.lines)).not.toContain("TEST-token");
});
