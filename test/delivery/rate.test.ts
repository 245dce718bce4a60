import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { allDone, backlog, deliveryCounts, queue, testWorker, until } from "./helpers";

let database: TestDatabase;
let fake: FakeTelegram;

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await FakeTelegram.start();
});
afterAll(async () => {
  await fake.close();
  await database.dispose();
});

/** Arrival times may bunch up by a few ms on the way to the fake (scheduling, sockets). */
const TOLERANCE_MS = 25;

it("never exceeds the global rate nor one message a second per chat, per the fake API's log", async () => {
  await queue(database.db, backlog(40, 10));
  const worker = testWorker(database.db, fake, { ratePerSecond: 10, perChatIntervalMs: 1_000, leaseMs: 60_000 });
  worker.start();
  try {
    await until("all sent", () => allDone(database.db), 30_000);
  } finally {
    await worker.stop();
  }

  const sends = fake.callsOf("sendMessage");
  expect(sends).toHaveLength(40);
  expect([...deliveryCounts(fake).values()].every((n) => n === 1)).toBe(true);
  const times = sends.map((s) => s.at);
  // Any 11 consecutive sends span at least a second: never more than 10 in a one-second window.
  for (let i = 10; i < times.length; i++) expect(times[i]! - times[i - 10]!).toBeGreaterThanOrEqual(1_000 - TOLERANCE_MS);
  const byChat = new Map<number, number[]>();
  for (const s of sends) byChat.set(s.payload.chat_id!, [...(byChat.get(s.payload.chat_id!) ?? []), s.at]);
  expect(byChat.size).toBe(10);
  for (const chatTimes of byChat.values()) {
    for (let i = 1; i < chatTimes.length; i++) expect(chatTimes[i]! - chatTimes[i - 1]!).toBeGreaterThanOrEqual(1_000 - TOLERANCE_MS);
  }
});
