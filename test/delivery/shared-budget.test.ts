import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api } from "grammy";
import { botFetch } from "../../src/bot";
import { allocateShare, startBudgetShares } from "../../src/telegram/budget-shares";
import { PRIORITY, createSendBudget } from "../../src/telegram/send-budget";
import { createTestDatabase, rawQuery, type TestDatabase } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { TEST_TOKEN, captureLogs } from "../helpers/harness";
import { allDone, backlog, deliveryCounts, queue, testWorker } from "./helpers";
import { eventually } from "../helpers/eventually";

/**
 * Processes on one database (webhook instances behind one URL) share Telegram's ~30 messages a
 * second: each records what it has waiting and takes its share under a lock, and together they
 * stay within the limit.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.dispose());

describe("allocating the rate", () => {
  it("gives the rate to the processes with the most urgent work waiting, split evenly among them", () => {
    // Alone: everything.
    expect(allocateShare(30, [0, 0, 0, 0, 5], [], 1)).toBe(30);
    // Two idle processes: half each.
    expect(allocateShare(30, [0, 0, 0, 0, 0], [{ demand: [0, 0, 0, 0, 0] }], 1)).toBe(15);
    // Replies waiting here, a broadcast there: the replies get all but the other's floor.
    expect(allocateShare(30, [0, 10, 0, 0, 0], [{ demand: [0, 0, 0, 0, 100] }], 1)).toBe(29);
    expect(allocateShare(30, [0, 0, 0, 0, 100], [{ demand: [0, 10, 0, 0, 0] }], 1)).toBe(1);
    // Both answering people: half each, however many wait in each (no jitter with the counts).
    expect(allocateShare(30, [0, 40, 0, 0, 0], [{ demand: [0, 20, 0, 3, 0] }], 1)).toBe(15);
    // An admin's screen waiting anywhere comes first.
    expect(allocateShare(30, [1, 0, 0, 0, 0], [{ demand: [0, 30, 0, 0, 0] }, { demand: [0, 0, 0, 0, 9] }], 1)).toBe(28);
  });
});

/** One process's send budget, sharing the bot's 30 a second with the others on the database. */
function sharingProcess(owner: string, refreshMs: number) {
  const budget = createSendBudget({ ratePerSecond: 0 });
  return { budget, shares: startBudgetShares({ db: database.db, budget, total: 30, owner, logger: captureLogs().logger, refreshMs }) };
}

describe("two processes", () => {
  it("agree on shares that never add up to more than the rate, and hand a stopped one's share back", async () => {
    const { budget: a, shares: sharesA } = sharingProcess("a", 30);
    const { budget: b, shares: sharesB } = sharingProcess("b", 30);
    await sharesA.start();
    expect(a.rate()).toBe(30);
    await sharesB.start();
    // B waits with something to send; A gives way.
    void b.acquire({ chatId: 1, priority: PRIORITY.student });
    const seen: number[] = [];
    await eventually("both shares settled", async () => {
      seen.push(a.rate() + b.rate());
      const rows = await rawQuery(database, "SELECT sum(share)::float8 AS total FROM send_budget_shares");
      expect(Number(rows[0]!.total)).toBeLessThanOrEqual(30.0001);
      return b.rate() > 10 && a.rate() > 10;
    });
    expect(Math.max(...seen)).toBeLessThanOrEqual(30.0001);
    await sharesB.stop();
    await eventually("A has it all again", () => a.rate() === 30);
    await sharesA.stop();
    expect(await rawQuery(database, "SELECT owner FROM send_budget_shares")).toEqual([]);
  });

  it("hand a share over only as the calls made under it leave Telegram's second", async () => {
    const { budget: a, shares: sharesA } = sharingProcess("hands-over", 30);
    const { budget: b, shares: sharesB } = sharingProcess("takes-over", 30);
    const stop = new AbortController();
    try {
      await sharesA.start();
      // A answers 20 people: their calls count at Telegram for a second after their answers.
      const slots = await Promise.all(Array.from({ length: 20 }, (_, i) => a.acquire({ chatId: 100 + i, priority: PRIORITY.student })));
      for (const slot of slots) slot!.done();
      await sharesB.start();
      // Then B has the most urgent work, and A nothing: the rate goes to B, but only as fast as A's calls leave the second.
      for (let i = 0; i < 200; i++) void b.acquire({ chatId: 1_000 + i, priority: PRIORITY.admin, signal: stop.signal }).then((slot) => slot?.done());
      const together: number[] = [];
      await eventually("B has most of the rate", () => {
        together.push(b.rate() + a.inWindow());
        return b.rate() >= 25;
      });
      expect(Math.max(...together)).toBeLessThanOrEqual(30);
    } finally {
      stop.abort();
      await sharesB.stop();
      await sharesA.stop();
    }
  });

  it("stay within Telegram's limits together: two workers, one backlog, no 429", async () => {
    const fake = await FakeTelegram.start();
    fake.enforceLimits({ perSecond: 30, perChatMs: 1_000, retryAfter: 1 });
    const logger = captureLogs().logger;
    const processes = ["one", "two"].map((owner) => {
      const budget = createSendBudget({ ratePerSecond: 0 });
      const shares = startBudgetShares({ db: database.db, budget, total: 30, owner, logger, refreshMs: 100 });
      const worker = testWorker(database.db, fake, { ratePerSecond: 30, perChatIntervalMs: 1_000, leaseMs: 60_000, owner }, { budget });
      return { shares, worker };
    });
    try {
      await queue(database.db, backlog(150, 150));
      for (const p of processes) await p.shares.start();
      for (const p of processes) p.worker.start();
      await eventually("all sent", () => allDone(database.db));
      expect(fake.rateLimited).toBe(0);
      expect([...deliveryCounts(fake).values()].every((n) => n === 1)).toBe(true);
      const sent = fake.callsOf("sendMessage").map((c) => c.at).sort((x, y) => x - y);
      expect(sent).toHaveLength(150);
      // Never more than 30 in any second, counted at the fake API.
      for (let i = 30; i < sent.length; i++) expect(sent[i]! - sent[i - 30]!).toBeGreaterThanOrEqual(1_000);
      // Both did their part.
      for (const p of processes) expect(p.worker.stats().sent).toBeGreaterThan(20);
    } finally {
      for (const p of processes) await p.worker.stop();
      for (const p of processes) await p.shares.stop();
      await fake.close();
    }
  });

  it("keep a student's one message a second together: one answers them directly while the other's worker writes to them", async () => {
    const fake = await FakeTelegram.start();
    fake.enforceLimits({ perSecond: 30, perChatMs: 1_000, retryAfter: 1 });
    const logger = captureLogs().logger;
    const answering = sharingProcess("answering", 100);
    const delivering = sharingProcess("delivering", 100);
    // As the bot's replies go out: through the budget and the shared pacing of botFetch.
    const api = new Api(TEST_TOKEN, { apiRoot: fake.apiRoot, fetch: botFetch({ budget: answering.budget, db: database.db, logger }, () => PRIORITY.student) });
    const worker = testWorker(database.db, fake, { ratePerSecond: 30, perChatIntervalMs: 1_000, owner: "delivering" }, { budget: delivering.budget });
    try {
      for (const p of [answering, delivering]) await p.shares.start();
      await eventually("each sees the other", () => answering.budget.sharing() && delivering.budget.sharing());
      await queue(database.db, backlog(3, 1, "queued"));
      worker.start();
      for (let i = 0; i < 3; i++) await api.sendMessage(7001, `reply-${i}`);
      await eventually("the queued ones sent", () => allDone(database.db));
      expect(fake.rateLimited).toBe(0);
      expect(fake.delivered().map((c) => c.text).sort()).toEqual(["queued-0", "queued-1", "queued-2", "reply-0", "reply-1", "reply-2"]);
    } finally {
      await worker.stop();
      for (const p of [answering, delivering]) await p.shares.stop();
      await fake.close();
    }
  });
});
