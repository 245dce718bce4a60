import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { backlog, outboxRows, queue, testWorker } from "./helpers";
import { eventually } from "../helpers/eventually";

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

it("stop() lets a send on the wire finish and records it, and gives back the messages still waiting", async () => {
  await queue(database.db, backlog(4, 4));
  // The first send is slow to answer; the others wait for their slots (2 a second).
  fake.delayNext("sendMessage", 500);
  const worker = testWorker(database.db, fake, { ratePerSecond: 2, leaseMs: 10_000 });
  worker.start();
  await eventually("the first send on the wire", () => fake.callsOf("sendMessage").length === 1);
  await worker.stop();

  expect(fake.callsOf("sendMessage").map((c) => c.outcome)).toEqual(["ok"]);
  const rows = await outboxRows(database.db);
  expect(rows[0]).toMatchObject({ status: "sent", leaseOwner: null });
  expect(rows[0]!.telegramMessageId).toBeGreaterThan(0);
  // Claimed but not yet sent: back in the queue as if never tried, for the next start.
  for (const row of rows.slice(1)) expect(row).toMatchObject({ status: "queued", leaseOwner: null, leaseUntil: null, attempts: 0 });
  // About a second of sends is claimed ahead (2 at 2/s, and more as slots are taken): all of
  // those but the one on the wire are given back.
  const stats = worker.stats();
  expect(stats.sent).toBe(1);
  expect(stats.released).toBeGreaterThan(0);
  expect(stats.released).toBe(stats.claimed - 1);

  // Stopped means stopped: a nudge wakes nothing, and a later worker (a restart) sends the rest,
  // every one of them, with the stopped one taking no part.
  const before = worker.stats();
  worker.nudge();
  const next = testWorker(database.db, fake);
  while ((await next.tick()) > 0);
  expect(worker.stats()).toEqual(before);
  expect(next.stats().sent).toBe(3);
  expect(fake.delivered().map((d) => d.text).sort()).toEqual(["m-0", "m-1", "m-2", "m-3"]);
});
