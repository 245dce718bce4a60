import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { createSendBudget } from "../../src/telegram/send-budget";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { addCourse } from "../helpers/fixtures";
import { eventually } from "../helpers/eventually";
import { createHarness, type Harness } from "../helpers/harness";
import { ADMIN, messageUpdate } from "../helpers/updates";
import { FAST, backlog, deliverAll, queue, testWorker } from "../delivery/helpers";

/**
 * Every call the bot makes goes through one send budget: a 429 is waited out and the call made
 * again (never dropped), holding only the chat it was for, and a person's answer goes before the
 * queued messages when the budget is short.
 */
const GROUP = -1_001_777_000_001;
const STUDENT: User = { id: 70_001, is_bot: false, first_name: "Ира", language_code: "ru" };
const tooMany = (seconds: number) => ({ error_code: 429, description: `Too Many Requests: retry after ${seconds}`, parameters: { retry_after: seconds } });

let database: TestDatabase;
let h: Harness;
beforeAll(async () => {
  database = await createTestDatabase();
  await addCourse(database.db);
});
afterAll(async () => {
  await h?.close();
  await database?.dispose();
});

async function harness(budget = createSendBudget({ ratePerSecond: 30, privateIntervalMs: 0, groupIntervalMs: 0 })) {
  await h?.close();
  h = await createHarness(database.db, { ADMIN_CHAT_ID: String(GROUP) }, { budget });
  return h;
}

const errorLines = () => h.logs.filter((l) => Number(l.level) >= 50);

describe("a 429 on a call the bot makes", () => {
  it("is waited out and the reply sent again: it arrives, late, and nothing fails", async () => {
    await harness();
    h.api.failNext("sendMessage", tooMany(1));
    const calls = await h.send("/help");
    expect(calls.map((c) => c.method)).toEqual(["sendMessage", "sendMessage"]);
    const [refused, sent] = h.api.callsOf("sendMessage").slice(-2);
    expect([refused!.outcome, sent!.outcome]).toEqual([429, "ok"]);
    expect(sent!.at - refused!.at).toBeGreaterThanOrEqual(990);
    expect(sent!.payload.text).toMatch(/^<b>Что я умею<\/b>/);
    expect(errorLines()).toEqual([]);
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 40, method: "sendMessage", retry_after_s: 1, msg: "429 from Telegram: waiting and sending again" }));
  });

  it("is waited out for an upload too: the chart is sent again whole", async () => {
    await harness();
    h.api.failNext("sendPhoto", tooMany(1));
    const calls = await h.send("/stats");
    const photos = calls.filter((c) => c.method === "sendPhoto");
    expect(photos).toHaveLength(2);
    expect((photos[1]!.payload.photo as { bytes: Buffer }).bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(photos[1]!.payload.caption).toBe(photos[0]!.payload.caption);
    expect(errorLines()).toEqual([]);
  });

  it("is waited out for calls no message limit counts (a button's answer)", async () => {
    await harness();
    await h.send("/bookings");
    h.api.failNext("answerCallbackQuery", tooMany(1));
    const calls = await h.press(h.lastSent(), "↻ Обновить");
    expect(calls.filter((c) => c.method === "answerCallbackQuery")).toHaveLength(2);
    expect(errorLines()).toEqual([]);
  });

  it("for the admin group holds that group only: a student's answer goes out meanwhile", async () => {
    await harness();
    // The group is refused for 3 s: the bot's call to it waits, a student's /start does not.
    h.api.failChat(GROUP, tooMany(3), 1);
    const inGroup = h.bot.api.sendMessage(GROUP, "📥 board");
    await eventually("the group's 429", () => h.api.calls.some((c) => c.payload.chat_id === GROUP && c.outcome === 429));
    await h.bot.handleUpdate(messageUpdate("/start", STUDENT));
    await inGroup;
    const toGroup = h.api.calls.filter((c) => c.payload.chat_id === GROUP);
    const toStudent = h.api.calls.find((c) => c.payload.chat_id === STUDENT.id)!;
    expect(toGroup.map((c) => c.outcome)).toEqual([429, "ok"]);
    expect(toStudent.outcome).toBe("ok");
    expect(toStudent.at).toBeLessThan(toGroup[1]!.at);
    expect(toGroup[1]!.at - toGroup[0]!.at).toBeGreaterThanOrEqual(2_990);
  });
});

describe("one budget for replies and the outbox", () => {
  it("an admin's answer takes the next slot, ahead of a broadcast already waiting", async () => {
    // Two a second for everything: the broadcast's 6 messages need 3 s.
    const budget = createSendBudget({ ratePerSecond: 2, privateIntervalMs: 0, groupIntervalMs: 0 });
    await harness(budget);
    await queue(database.db, backlog(6, 6, "bulk"));
    const worker = testWorker(database.db, h.api, { ...FAST, ratePerSecond: 2 }, { budget });
    const delivering = deliverAll(worker);
    await eventually("the broadcast's first message on its way", () => h.api.callsOf("sendMessage").length > 0);
    await h.send("/help", ADMIN);
    await delivering;
    const order = h.api.calls.filter((c) => c.method === "sendMessage").map((c) => (c.payload.chat_id === ADMIN.id ? "admin" : "bulk"));
    // The first broadcast message was on its way; the admin's answer came next, not last.
    expect(order.indexOf("admin")).toBeLessThanOrEqual(2);
    expect(order.filter((o) => o === "bulk")).toHaveLength(6);
  });
});
