import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBotWithoutDatabase } from "../helpers/bot-fixture";
import { useDatabaseBehindProxy } from "../helpers/database-outage";
import { addBookings, addCourse } from "../helpers/fixtures";
import { createHarness, type Harness } from "../helpers/harness";

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
  const { outage } = useDatabaseBehindProxy(1_000, {
    seed: async (made) => {
      await addCourse(made.db);
      await addBookings(made.db, [{ confirmed: 2 }]);
    },
  });
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(outage.db);
  });
  afterAll(() => h?.close());

  it("the bot says so meanwhile and recovers by itself", async () => {
    expect((await h.send("/bookings"))[0]!.payload.text).toContain("1–1 из 1");
    await h.send("/bookings");
    const list = h.lastSent();

    outage.proxy.down();
    expect((await h.send("/bookings"))[0]!.payload.text).toBe(UNAVAILABLE);
    const press = await h.press(list, "↻ Обновить");
    expect(press).toEqual([
      { method: "answerCallbackQuery", payload: expect.objectContaining({ text: UNAVAILABLE, show_alert: true }) },
    ]);

    outage.proxy.up();
    expect((await h.send("/bookings"))[0]!.payload.text).toContain("1–1 из 1");
    expect((await h.press(list, "🟢 Подтверждённые 1"))[0]!.method).toBe("editMessageText");
  });
});
