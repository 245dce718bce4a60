import { setMaxListeners } from "node:events";
import type { Db } from "../db/client";
import { PRIORITY, type OutboxRow, type Priority } from "../db/schema";
import type { Logger } from "../logger";
import { persist, recordFinal, recordRetry, sendRow, type Content, type OnOutcome, type SendApi, type SendResult } from "./deliver-row";
import { claimDue, type ClaimedRow } from "../db/queries/outbox";
import { systemClock, type Clock } from "../telegram/clock";
import { createSendBudget, type SendBudget } from "../telegram/send-budget";
import { decideAfterFailure } from "./retry-policy";
import { resolveWorkerOptions, type DeliveryWorkerOptions } from "./worker-options";

export type { DeliveryOutcome, OnOutcome } from "./deliver-row";
export type { DeliveryWorkerOptions } from "./worker-options";

/**
 * The one message a digest's head and the rows folded into it go out as (built by the bot layer,
 * which has the words); without it the worker folds nothing.
 */
export type DigestComposer = (head: OutboxRow, merged: OutboxRow[]) => Promise<Content>;

export type DeliveryWorkerDeps = {
  db: Db;
  /** Sends without a budget of its own: the worker takes its slots from `budget`. */
  api: SendApi;
  logger: Logger;
  clock?: Clock;
  random?: () => number;
  options: DeliveryWorkerOptions;
  /** The process's send budget, shared with its replies; by default one of the worker's own. */
  budget?: SendBudget;
  digest?: DigestComposer;
  onOutcome?: OnOutcome;
};

export type DeliveryStats = { claimed: number; sent: number; failed: number; retried: number; rateLimited: number; released: number };

/**
 * Sends the outbox: claims due messages under a lease (one per chat at a time, most urgent
 * first), sends each outside any transaction as soon as the send budget gives it a slot at its
 * priority, and records the outcome. Sends run concurrently, so a slow chat or a slow answer
 * holds one slot, not the queue. A claimed message that gets no slot within `slotWaitMs` (the
 * process's replies are taking them) goes back to the queue, keeping its turn, so that a more
 * urgent message queued since can be claimed; an answer to a student waits its turn in line.
 *
 * Every transaction here is short and awaits only the database inside it, so the concurrent
 * records never hold the pool's connections waiting on each other; onOutcome must likewise use
 * the `tx` it is given, never the outer `db` (that would need a second connection per record).
 */
export function createDeliveryWorker(deps: DeliveryWorkerDeps) {
  const { db, api, logger, onOutcome } = deps;
  const clock = deps.clock ?? systemClock;
  const settings = resolveWorkerOptions(deps.options, deps.random);
  const { owner, leaseMs, sendTimeoutMs, recordMarginMs, pollMs, maxInFlight, claimAheadMs, perChatIntervalMs, groupIntervalMs, policy, slotWaitMs, digestLimit } = settings;
  const budget = deps.budget ?? createSendBudget({ ratePerSecond: settings.ratePerSecond, privateIntervalMs: perChatIntervalMs, groupIntervalMs, clock });
  /** About a second of sends at the budget's current rate waits for slots at most. */
  const maxWaiting = () => Math.max(1, Math.min(maxInFlight, Math.ceil((budget.rate() * claimAheadMs) / 1000)));
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
    await persist("the release", row, () => recordRetry(db, owner, row, { delayMs: undefined, error: null, refund: true }), persistCtx);
  }

  async function deliver({ row, merged }: ClaimedRow, leaseDeadline: number, notBefore: number): Promise<void> {
    let content: Content = row;
    let slot;
    try {
      if (merged.length > 0 && deps.digest) content = await deps.digest(row, merged);
      // The answer to a person who just acted keeps its place in line: nothing more urgent can
      // come for it to make way for, and going back to the queue would put it behind later ones.
      const patient = row.priority <= PRIORITY.student;
      slot = await budget.acquire({
        chatId: row.chatId,
        priority: row.priority as Priority,
        notBefore,
        signal: stopping.signal,
        ...(patient ? { maxWaitMs: Math.max(0, leaseDeadline - clock.now() - sendTimeoutMs - recordMarginMs) } : { maxWaitMs: slotWaitMs }),
      });
    } finally {
      waiting--;
      wake();
    }
    if (!slot) return release(row, stopping.signal.aborted ? "stopping" : "no slot in time");
    if (clock.now() + sendTimeoutMs + recordMarginMs > leaseDeadline) {
      slot.done();
      return release(row, "lease too short after waiting");
    }
    let result: SendResult;
    try {
      result = await sendRow(api, row, content, sendTimeoutMs);
    } finally {
      slot.done();
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
      // That chat waits; the others go on (429s from several chats at once hold them all).
      budget.rateLimited(row.chatId, failure.retryAfterMs);
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

  function launch(claimed: ClaimedRow, claimedAt: number, returnedAt: number): Promise<void> {
    waiting++;
    // The chat's wait was measured on the database's clock during the claim: counted here from
    // when the claim returned, it ends no earlier than it does there.
    const task: Promise<void> = deliver(claimed, claimedAt + leaseMs, returnedAt + claimed.chatWaitMs)
      .catch((err) => logger.error({ err, outbox_id: claimed.row.id }, "delivery task failed"))
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
    const rows = await claimDue(db, {
      owner,
      limit,
      leaseMs,
      perChatIntervalMs,
      groupIntervalMs,
      pacePrivateChats: budget.sharing() ? { intervalMs: budget.sharedPrivateIntervalMs } : undefined,
      aheadMs: claimAheadMs,
      digestLimit: deps.digest ? digestLimit : 0,
    });
    const returnedAt = clock.now();
    stats.claimed += rows.length;
    return rows.map((claimed) => launch(claimed, claimedAt, returnedAt));
  }

  async function loop(): Promise<void> {
    let claimFailures = 0;
    while (running) {
      woken = false;
      // Only about a second of sends waits for slots, and claims come in batches, not one row per finished send.
      const free = Math.min(maxInFlight - inFlight.size, maxWaiting() - waiting);
      if (free <= 0 || (inFlight.size > 0 && free < Math.max(1, Math.floor(maxWaiting() / 2)))) {
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
      logger.info({ owner, rate_per_second: budget.rate(), max_in_flight: maxInFlight }, "delivery worker started");
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
      const tasks = await claimAndLaunch(Math.min(maxInFlight - inFlight.size, maxWaiting() - waiting));
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
