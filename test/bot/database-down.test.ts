import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../src/db/client";
import { useBotWithoutDatabase } from "../helpers/bot-fixture";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { addBookings, addCourse } from "../helpers/fixtures";
import { createHarness, type Harness } from "../helpers/harness";
import { TcpProxy } from "../helpers/tcp-proxy";

const UNAVAILABLE = "⚠️ База данных недоступна. Попробуйте через минуту.";

describe("when the database cannot be reached", () => {
  const { h } = useBotWithoutDatabase();

  it("an admin's command gets a short notice and the log has the detail", async () => {
    const calls = await h.send("/bookings");
    expect(calls).toEqual([{ method: "sendMessage", payload: { chat_id: expect.any(Number), text: UNAVAILABLE } }]);
    const line = h.logs.find((l) => l.msg === "update failed");
    expect(line).toMatchObject({ level: 50, databaseUnavailable: true, update_id: expect.any(Number) });
    expect(JSON.stringify(line)).toContain("ECONNREFUSED");
    expect(JSON.stringify(h.logs)).not.toContain("TEST-token");
  });

  it("a button press is answered with the notice as an alert", async () => {
    const message = { message_id: 1, date: 0, chat: { id: 1001, type: "private" as const, first_name: "A" } };
    const calls = await h.pressData(message, "l:a.a");
    expect(calls).toEqual([
      { method: "answerCallbackQuery", payload: expect.objectContaining({ text: UNAVAILABLE, show_alert: true }) },
    ]);
  });

  it("the card and the student lookups fail the same way", async () => {
    for (const text of ["/booking 1", "/user 5", "/user @someone"]) {
      expect((await h.send(text))[0]!.payload.text).toBe(UNAVAILABLE);
    }
  });
});

describe("when PostgreSQL goes away and comes back", () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let viaProxy: ReturnType<typeof openPostgres>;
  let h: Harness;

  beforeAll(async () => {
    database = await createTestDatabase();
    await addCourse(database.db);
    await addBookings(database.db, [{ confirmed: 2 }]);
    const url = new URL(database.url);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    viaProxy = openPostgres(url.toString(), { connectionTimeoutMillis: 1_000 });
    h = await createHarness(viaProxy.db);
  });
  afterAll(async () => {
    await h?.close();
    await viaProxy?.close();
    await proxy?.close();
    await database?.dispose();
  });

  it("the bot says so meanwhile and recovers by itself", async () => {
    expect((await h.send("/bookings"))[0]!.payload.text).toContain("1–1 из 1");
    await h.send("/bookings");
    const list = h.lastSent();

    proxy.down();
    expect((await h.send("/bookings"))[0]!.payload.text).toBe(UNAVAILABLE);
    const press = await h.press(list, "↻ Обновить");
    expect(press).toEqual([
      { method: "answerCallbackQuery", payload: expect.objectContaining({ text: UNAVAILABLE, show_alert: true }) },
    ]);

    proxy.up();
    expect((await h.send("/bookings"))[0]!.payload.text).toContain("1–1 из 1");
    expect((await h.press(list, "🟢 Подтверждённые 1"))[0]!.method).toBe("editMessageText");
  });
});
