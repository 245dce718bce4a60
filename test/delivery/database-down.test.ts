import { afterAll, beforeAll, expect, it } from "vitest";
import { useDatabaseBehindProxy } from "../helpers/database-outage";
import { FakeTelegram } from "../helpers/fake-telegram";
import { allDone, backlog, deliveryCounts, queue, testWorker } from "./helpers";
import { eventually } from "../helpers/eventually";

// The worker's database goes away mid-backlog and comes back: it logs, waits, and finishes by
// itself, every message once.
const { database, outage } = useDatabaseBehindProxy(500);
let fake: FakeTelegram;

beforeAll(async () => {
  fake = await FakeTelegram.start();
});
afterAll(() => fake?.close());

it("resumes by itself when the database comes back, delivering each message once", async () => {
  await queue(database.db, backlog(60, 20));
  const worker = testWorker(outage.db, fake, { ratePerSecond: 100, perChatIntervalMs: 0, pollMs: 20 });
  worker.start();
  try {
    await eventually("some deliveries", () => fake.delivered().length >= 5);
    outage.proxy.down();
    await eventually("a logged claim failure", () => worker.logs.some((l) => l.msg === "could not claim messages; will retry"));
    outage.proxy.up();
    await eventually("the whole backlog", () => allDone(database.db));
  } finally {
    await worker.stop();
  }
  const counts = deliveryCounts(fake);
  expect(counts.size).toBe(60);
  // A record lost with the connection may repeat its send (the documented window): at most one per cut connection.
  expect([...counts.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(5);
  expect((await allDone(database.db))!.every((r) => r.status === "sent")).toBe(true);
});
