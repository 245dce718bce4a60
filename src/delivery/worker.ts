import { setMaxListeners } from "node:events";
import type { Db } from "../db/client";
import type { OutboxRow } from "../db/schema";
import type { Logger } from "../logger";
import { persist, recordFinal, recordRetry, sendRow, type OnOutcome, type SendApi, type SendResult } from "./deliver-row";
import { claimDue, type ClaimedRow } from "../db/queries/outbox";
import { createRateLimiter, systemClock, type DeliveryClock } from "./rate-limiter";
import { decideAfterFailure } from "./retry-policy";
import { resolveWorkerOptions, type DeliveryWorkerOptions } from "./worker-options";

export type { DeliveryOutcome, OnOutcome } from "./deliver-row";
export type { DeliveryWorkerOptions } from "./worker-options";

export type DeliveryWorkerDeps = {
  db: Db;
  api: SendApi;
  logger: Logger;
  clock?: DeliveryClock;
  random?: () => number;
  options: DeliveryWorkerOptions;
  onOutcome?: OnOutcome;
};

export type DeliveryStats = { claimed: number; sent: number; failed: number; retried: number; rateLimited: number; released: number };

/**
 * Sends the outbox: claims due messages under a lease (one per chat at a time), sends each
 * outside any transaction as soon as the rate limiter gives it a slot, and records the outcome.
 * Sends run concurrently, so a slow chat or a slow answer holds one slot, not the queue.
 *
 * Every transaction here is short and awaits only the database inside it, so the concurrent
 * records never hold the pool's connections waiting on each other; onOutcome must likewise use
 * the `tx` it is given, never the outer `db` (that would need a second connection per record).
 */
export function createDeliveryWorker(deps: DeliveryWorkerDeps) {
  const { db, api, logger, onOutcome } = deps;
  const clock = deps.clock ?? systemClock;
  const { owner, leaseMs, sendTimeoutMs, recordMarginMs, pollMs, maxInFlight, maxWaiting, claimAheadMs, claimBatch, perChatIntervalMs, policy, ratePerSecond } =
    resolveWorkerOptions(deps.options, deps.random);
  const limiter = createRateLimiter({ ratePerSecond, perChatIntervalMs, clock });
  const inFlight = new Set<Promise<void>>();
  /** Claimed messages still waiting for a send slot (the rest of inFlight is on the wire or being recorded). */
  let waiting = 0;
  /** 429s per message in this process (the generous cap does not need to survive a restart). */
  const rateLimitedTimes = new Map<number, number>();
  const stats: DeliveryStats = { claimed: 0, sent: 0, failed: 0, retried: 0, rateLimited: 0, released: 0 };
  let running = false;
  let loopDone: Promise<void> = Promise.resolve();
  let stopping = stopController();
  let wakeSignal = new AbortController();
  let woken = false;

  function wake(): void {
    woken = true;
    wakeSignal.abort();
    wakeSignal = new AbortController();
  }

  async function idle(ms: number): Promise<void> {
    if (!woken) await clock.sleep(ms, wakeSignal.signal);
  }

  const persistCtx = { clock, logger, forMs: leaseMs };

  async function release(row: OutboxRow, why: string): Promise<void> {
    stats.released++;
    logger.debug({ outbox_id: row.id, why }, "giving a claimed message back");
    await persist("the release", row, () => recordRetry(db, owner, row, { delayMs: 0, error: null, refund: true }), persistCtx);
  }

  async function deliver(row: OutboxRow, leaseDeadline: number, notBefore: number): Promise<void> {
    let gotSlot: boolean;
    try {
      gotSlot = await limiter.acquire(row.chatId, stopping.signal, notBefore);
    } finally {
      waiting--;
      wake();
    }
    if (!gotSlot) return release(row, "stopping");
    if (clock.now() + sendTimeoutMs + recordMarginMs > leaseDeadline) {
      limiter.finished(row.chatId);
      return release(row, "lease too short after waiting");
    }
    let result: SendResult;
    try {
      result = await sendRow(api, row, sendTimeoutMs);
    } finally {
      limiter.finished(row.chatId);
    }
    // ── The duplicate window ───────────────────────────────────────────────────────────────
    // From Telegram's answer until the record below commits, the message is delivered while
    // its row still says `queued` under our lease. A process killed inside this window leaves
    // a row that is taken again when the lease expires, and sent a second time. Nothing else
    // can send a row twice (leases keep other processes off it; a send only starts if the
    // lease outlives its time-out), so the record follows the answer at once: no await
    // before it, one short transaction.
    await record(row, result);
  }

  async function record(row: OutboxRow, result: SendResult): Promise<void> {
    if (result.ok) {
      const owned = await persist("a sent message", row, () => recordFinal(db, owner, row, { status: "sent", telegramMessageId: result.telegramMessageId }, onOutcome, logger), persistCtx);
      rateLimitedTimes.delete(row.id);
      stats.sent++;
      if (owned === false) logger.error({ outbox_id: row.id, chat_id: row.chatId }, "sent a message whose lease another process holds: it may be sent twice");
      else logger.debug({ outbox_id: row.id, chat_id: row.chatId }, "message sent");
      return;
    }
    const { failure } = result;
    let rateLimited = 0;
    if (failure.kind === "rate_limited") {
      limiter.pause(failure.retryAfterMs);
      stats.rateLimited++;
      rateLimited = (rateLimitedTimes.get(row.id) ?? 0) + 1;
      rateLimitedTimes.set(row.id, rateLimited);
      if (rateLimitedTimes.size > 10_000) rateLimitedTimes.clear();
    }
    const decision = decideAfterFailure(failure, row.attempts, rateLimited, policy);
    logger.warn(
      {
        outbox_id: row.id,
        chat_id: row.chatId,
        error_code: failure.code,
        attempt: row.attempts,
        ...(decision.kind === "retry" ? { retry_in_ms: decision.delayMs } : { unreachable: decision.unreachable }),
      },
      decision.kind === "retry" ? "delivery failed; will retry" : "delivery failed",
    );
    if (decision.kind === "retry") {
      stats.retried++;
      await persist("a retry", row, () => recordRetry(db, owner, row, { delayMs: decision.delayMs, error: decision.error, refund: !decision.countsAsAttempt }), persistCtx);
      return;
    }
    stats.failed++;
    rateLimitedTimes.delete(row.id);
    await persist("a failure", row, () => recordFinal(db, owner, row, { status: "failed", error: decision.error, unreachable: decision.unreachable }, onOutcome, logger), persistCtx);
  }

  function launch({ row, chatWaitMs }: ClaimedRow, claimedAt: number, returnedAt: number): Promise<void> {
    waiting++;
    // The chat's wait was measured on the database's clock during the claim: counted here from
    // when the claim returned, it ends no earlier than it does there.
    const task: Promise<void> = deliver(row, claimedAt + leaseMs, returnedAt + chatWaitMs)
      .catch((err) => logger.error({ err, outbox_id: row.id }, "delivery task failed"))
      .finally(() => {
        inFlight.delete(task);
        wake();
      });
    inFlight.add(task);
    return task;
  }

  async function claimAndLaunch(limit: number): Promise<Promise<void>[]> {
    // Taken before the claim's transaction starts, so this deadline is never later than the
    // lease the database records (now() + leaseMs at the start of that transaction).
    const claimedAt = clock.now();
    const rows = await claimDue(db, { owner, limit, leaseMs, perChatIntervalMs, aheadMs: claimAheadMs });
    const returnedAt = clock.now();
    stats.claimed += rows.length;
    return rows.map((claimed) => launch(claimed, claimedAt, returnedAt));
  }

  async function loop(): Promise<void> {
    let claimFailures = 0;
    while (running) {
      woken = false;
      const paused = limiter.pausedUntil() - clock.now();
      if (paused > 0) {
        await idle(paused);
        continue;
      }
      // Only about a second of sends waits for slots (see maxWaiting).
      const free = Math.min(maxInFlight - inFlight.size, maxWaiting - waiting);
      if (free <= 0 || (inFlight.size > 0 && free < claimBatch)) {
        await idle(pollMs);
        continue;
      }
      let claimed: number;
      try {
        claimed = (await claimAndLaunch(free)).length;
        claimFailures = 0;
      } catch (err) {
        claimFailures++;
        const retryMs = Math.min(30_000, pollMs * 2 ** Math.min(claimFailures, 6));
        logger.warn({ err, attempt: claimFailures, retry_in_ms: retryMs }, "could not claim messages; will retry");
        await idle(retryMs);
        continue;
      }
      if (claimed < free) await idle(pollMs);
    }
  }

  return {
    owner,
    start(): void {
      if (running) return;
      running = true;
      stopping = stopController();
      loopDone = loop().catch((err) => logger.error({ err }, "delivery loop stopped"));
      logger.info({ owner, rate_per_second: ratePerSecond, max_in_flight: maxInFlight }, "delivery worker started");
    },

    /**
     * Stops claiming, gives back claimed messages still waiting for a slot, and waits for the
     * sends already on the wire and their records.
     */
    async stop(): Promise<void> {
      running = false;
      stopping.abort();
      wake();
      await loopDone;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },

    /** New messages were queued: look now instead of at the next poll. */
    nudge: wake,

    /** One claim-and-send round, finished; returns how many messages it claimed. */
    async tick(): Promise<number> {
      const tasks = await claimAndLaunch(Math.min(maxInFlight - inFlight.size, maxWaiting - waiting));
      await Promise.all(tasks);
      return tasks.length;
    },

    stats: (): Readonly<DeliveryStats> => ({ ...stats }),
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;

function stopController(): AbortController {
  const controller = new AbortController();
  // Every message waiting for a send slot listens to it (up to maxInFlight at once).
  setMaxListeners(0, controller.signal);
  return controller;
}
