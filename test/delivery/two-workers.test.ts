import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type Database } from "../../src/db/client";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { allDone, backlog, deliveryCounts, queue, testWorker } from "./helpers";
import { eventually } from "../helpers/eventually";

// Two processes on one database, as far as the database can tell: two pools, two Api clients,
// two workers.
describe("two workers on one backlog", () => {
  let database: TestDatabase;
  let second: Database;
  let fake: FakeTelegram;

  beforeAll(async () => {
    database = await createTestDatabase();
    second = openPostgres(database.url, { max: 5 });
    fake = await FakeTelegram.start();
  });
  afterAll(async () => {
    await fake.close();
    await second?.close();
    await database?.dispose();
  });

  it("send every message exactly once and never to one chat at once", async () => {
    await queue(database.db, backlog(300, 30));
    const options = { maxInFlight: 8, perChatIntervalMs: 100 };
    const a = testWorker(database.db, fake, { ...options, owner: "a" });
    const b = testWorker(second.db, fake, { ...options, owner: "b" });
    a.start();
    b.start();
    try {
      await eventually("all sent", () => allDone(database.db));
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }

    const counts = deliveryCounts(fake);
    expect(counts.size).toBe(300);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(fake.callsOf("sendMessage")).toHaveLength(300);
    expect(a.stats().sent).toBeGreaterThan(0);
    expect(b.stats().sent).toBeGreaterThan(0);
    expect(a.stats().sent + b.stats().sent).toBe(300);
    // Per chat: in order, and each send after the previous one was answered and recorded.
    for (let chat = 7001; chat <= 7030; chat++) {
      const sends = fake.delivered().filter((d) => d.chatId === chat);
      const order = sends.map((d) => Number(d.text.split("-")[1]));
      expect(order).toEqual([...order].sort((x, y) => x - y));
      for (let i = 1; i < sends.length; i++) expect(sends[i]!.at - sends[i - 1]!.at).toBeGreaterThanOrEqual(100 - 10);
    }
  });
});
