import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createBot } from "../../src/bot";
import { createWebhookServer } from "../../src/bot/webhook";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { BOT_INFO, FakeTelegram } from "../helpers/fake-telegram";
import { captureLogs, testConfig, unlimitedBudget } from "../helpers/harness";
import { messageUpdate } from "../helpers/updates";

let database: TestDatabase;
let api: FakeTelegram;
let server: Server;
let base: string;
const SECRET = "webhook-secret-0123456789";

beforeAll(async () => {
  database = await createTestDatabase();
  api = await FakeTelegram.start();
  const config = testConfig({ WEBHOOK_URL: "https://bot.example.com/telegram/hook", WEBHOOK_SECRET: SECRET });
  const logs = captureLogs();
  const bot = createBot({ config, logger: logs.logger, db: database.db, clock: () => new Date(), budget: unlimitedBudget() }, { botInfo: BOT_INFO, client: { apiRoot: api.apiRoot } });
  server = createWebhookServer(bot, config.webhook!, logs.logger);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await api?.close();
  await database?.dispose();
});

const post = (path: string, body: unknown, secret?: string) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) },
    body: JSON.stringify(body),
  });

it("handles an update posted with Telegram's secret token", async () => {
  const response = await post("/telegram/hook", messageUpdate("/help"), SECRET);
  expect(response.status).toBe(200);
  expect(api.callsOf("sendMessage").at(-1)!.payload.text).toMatch(/^<b>Что я умею<\/b>/);
});

it("refuses requests without the right secret, and anything but POST on the path", async () => {
  const before = api.calls.length;
  expect((await post("/telegram/hook", messageUpdate("/help"))).status).toBe(401);
  expect((await post("/telegram/hook", messageUpdate("/help"), "wrong-secret-0123456789")).status).toBe(401);
  expect((await post("/elsewhere", messageUpdate("/help"), SECRET)).status).toBe(404);
  expect((await fetch(`${base}/telegram/hook`)).status).toBe(404);
  expect(api.calls.length).toBe(before);
});
