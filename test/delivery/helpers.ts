import { asc } from "drizzle-orm";
import { Api } from "grammy";
import type { Db } from "../../src/db/client";
import { outbox, type OutboxRow } from "../../src/db/schema";
import { enqueue, type OutgoingMessage } from "../../src/db/queries/outbox";
import { createDeliveryWorker, type DeliveryWorkerDeps, type DeliveryWorkerOptions } from "../../src/delivery/worker";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { createTestDatabase, rawExec, type TestDatabase } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { lateBound } from "../helpers/late-bound";
import { TEST_TOKEN, captureLogs } from "../helpers/harness";

/** Options that keep a test fast: no rate to speak of, short leases, quick retries. */
export const FAST: DeliveryWorkerOptions = {
  ratePerSecond: 1000,
  perChatIntervalMs: 0,
  maxAttempts: 5,
  leaseMs: 3_000,
  pollMs: 20,
  retryBaseMs: 20,
  retryCapMs: 100,
};

/** The real grammY client, talking HTTP to the fake Bot API. */
export function apiFor(fake: FakeTelegram): Api {
  return new Api(TEST_TOKEN, { apiRoot: fake.apiRoot });
}

export function testWorker(db: Db, fake: FakeTelegram, options: Partial<DeliveryWorkerOptions> = {}, extra: Partial<DeliveryWorkerDeps> = {}) {
  const logs = captureLogs();
  const worker = createDeliveryWorker({ db, api: apiFor(fake), logger: logs.logger, options: { ...FAST, ...options }, ...extra });
  return Object.assign(worker, { logs: logs.lines });
}

/** Runs the worker's rounds until nothing is due (as a test's stand-in for the running worker). */
export async function deliverAll(worker: { tick(): Promise<number> }): Promise<void> {
  while ((await worker.tick()) > 0);
}

/** `n` messages round-robin over `chats` chats (ids from 7001), texts "<prefix>-<i>". */
export function backlog(n: number, chats: number, prefix = "m"): OutgoingMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    dedupeKey: `${prefix}-${i}`,
    kind: "broadcast" as const,
    chatId: 7001 + (i % chats),
    text: `${prefix}-${i}`,
  }));
}

export async function queue(db: Db, messages: OutgoingMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 500) await db.transaction((tx) => enqueue(tx, messages.slice(i, i + 500)));
}

export function outboxRows(db: Db): Promise<OutboxRow[]> {
  return db.select().from(outbox).orderBy(asc(outbox.id));
}

/** Every queued row has reached a final state. */
export async function allDone(db: Db): Promise<OutboxRow[] | undefined> {
  const rows = await outboxRows(db);
  return rows.every((r) => r.status !== "queued") ? rows : undefined;
}

/** How often each text was delivered, per the fake API's log. */
export function deliveryCounts(fake: FakeTelegram): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of fake.delivered()) counts.set(d.text, (counts.get(d.text) ?? 0) + 1);
  return counts;
}

/**
 * The set-up of a delivery test file: one database for the file; for each test a fresh fake Bot
 * API and an empty outbox; the workers a test starts with `worker()` stopped after it, and no
 * call there that Telegram would refuse.
 */
export function useDeliveryFixture() {
  const database = lateBound<TestDatabase>("the delivery test database");
  const fake = lateBound<FakeTelegram>("the fake Bot API");
  const started: Array<{ stop(): Promise<unknown> }> = [];
  beforeAll(async () => database.bind(await createTestDatabase()));
  afterAll(async () => {
    await database.target?.dispose();
    database.bind(undefined);
  });
  beforeEach(async () => {
    fake.bind(await FakeTelegram.start());
    await rawExec(database.value, "TRUNCATE outbox, users, blocked_users RESTART IDENTITY");
  });
  afterEach(async () => {
    for (const worker of started.splice(0)) await worker.stop();
    const api = fake.target!;
    await api.close();
    expect(api.violations).toEqual([]);
  });
  return {
    database: database.value,
    fake: fake.value,
    /** A worker on this test's fake API (not started), stopped after the test. */
    worker(options: Partial<DeliveryWorkerOptions> = {}, extra: Partial<DeliveryWorkerDeps> = {}) {
      const worker = testWorker(database.value.db, fake.value, options, extra);
      started.push(worker);
      return worker;
    },
    /** A new fake Bot API after a test closed this one (the next steps, or afterEach, need one). */
    async reopenFake() {
      fake.bind(await FakeTelegram.start());
    },
  };
}
