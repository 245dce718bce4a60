import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { createTestDatabase, rawExec, type TestDatabase } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { allDone, backlog, deliveryCounts, queue, testWorker } from "./helpers";
import { eventually } from "../helpers/eventually";

let database: TestDatabase;
let fake: FakeTelegram;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await fake?.close();
  await database.dispose();
});
beforeEach(async () => {
  await fake?.close();
  fake = await FakeTelegram.start();
  // Telegram's limits at a tenth of the rate: 429 + retry_after beyond them.
  fake.enforceLimits({ perSecond: 10, perChatMs: 1_000, retryAfter: 1 });
  await rawExec(database, "TRUNCATE outbox RESTART IDENTITY");
});

async function sendAll(options: { ratePerSecond: number }): Promise<void> {
  const worker = testWorker(database.db, fake, { ...options, perChatIntervalMs: 1_000, leaseMs: 60_000 });
  worker.start();
  try {
    await eventually("all sent", () => allDone(database.db));
  } finally {
    await worker.stop();
  }
}

/** Arrival times at the fake API, ascending, per chat and overall. */
function arrivals(): { all: number[]; byChat: Map<number, number[]> } {
  const sends = fake.callsOf("sendMessage").sort((a, b) => a.at - b.at);
  const byChat = new Map<number, number[]>();
  for (const s of sends) byChat.set(s.payload.chat_id!, [...(byChat.get(s.payload.chat_id!) ?? []), s.at]);
  return { all: sends.map((s) => s.at), byChat };
}

it("never exceeds the global rate nor one message a second per chat, per the fake API's log", async () => {
  await queue(database.db, backlog(40, 10));
  await sendAll({ ratePerSecond: 10 });

  const { all, byChat } = arrivals();
  expect(all).toHaveLength(40);
  expect(fake.rateLimited).toBe(0);
  expect([...deliveryCounts(fake).values()].every((n) => n === 1)).toBe(true);
  // Any 11 consecutive arrivals span at least a second: never more than 10 in a one-second
  // window. Exactly, with no allowance for jitter: each send counts until its answer.
  for (let i = 10; i < all.length; i++) expect(all[i]! - all[i - 10]!).toBeGreaterThanOrEqual(1_000);
  expect(byChat.size).toBe(10);
  for (const chatTimes of byChat.values()) {
    for (let i = 1; i < chatTimes.length; i++) expect(chatTimes[i]! - chatTimes[i - 1]!).toBeGreaterThanOrEqual(1_000);
  }
});

it("serves a backlog to one chat beside a broadcast queued before it, not after", async () => {
  await queue(database.db, [...backlog(50, 50, "b"), ...backlog(3, 1, "x").map((m) => ({ ...m, chatId: 9001 }))]);
  await sendAll({ ratePerSecond: 10 });

  expect(fake.rateLimited).toBe(0);
  const texts = fake.delivered().sort((a, b) => a.at - b.at).map((d) => d.text);
  expect(texts).toHaveLength(53);
  // First come, first served would send x's three last, a second apart, after everything else.
  expect(texts.indexOf("x-0")).toBeLessThan(3);
  expect(texts.indexOf("x-1")).toBeLessThan(texts.indexOf("b-49"));
});
