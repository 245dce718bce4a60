import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { DEFAULT_GROUP_INTERVAL_MS, DEFAULT_PRIVATE_INTERVAL_MS } from "../telegram/send-budget";
import type { RetryPolicy } from "./retry-policy";

export type DeliveryWorkerOptions = {
  /** Sends a second, all chats together (Telegram allows about 30). */
  ratePerSecond: number;
  /** Least time between two messages to one chat (Telegram: about one a second). */
  perChatIntervalMs?: number;
  /** Least time between two calls to a group (Telegram: 20 a minute). */
  groupIntervalMs?: number;
  /** A claimed message waits this long for a send slot, then goes back to the queue. */
  slotWaitMs?: number;
  /** Tries before a 5xx/network failure is final. */
  maxAttempts: number;
  /** How long a claim holds a message; a process killed mid-send frees it after this. */
  leaseMs?: number;
  /** How often to look for due messages when idle (`nudge()` wakes it earlier). */
  pollMs?: number;
  /** Messages claimed and not yet recorded, at most (waiting for a slot or being sent). */
  maxInFlight?: number;
  /** Names this process in `outbox.lease_owner`. */
  owner?: string;
  /** A send without an answer by then counts as a network error. */
  sendTimeoutMs?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  /** 429s of one message that do not use up an attempt. */
  freeRateLimits?: number;
};

export type WorkerSettings = ReturnType<typeof resolveWorkerOptions>;

/** Defaults, and the one rule that keeps leases safe. */
export function resolveWorkerOptions(o: DeliveryWorkerOptions, random?: () => number) {
  if (!(o.ratePerSecond > 0)) throw new RangeError("ratePerSecond must be positive");
  const leaseMs = o.leaseMs ?? 60_000;
  // The answer and its record must both land inside the lease, or another process could take
  // the row and send it again: a send starts only when its whole time-out plus a margin for
  // the record still fit in what is left of the lease.
  const recordMarginMs = Math.min(10_000, leaseMs / 4);
  const sendTimeoutMs = o.sendTimeoutMs ?? Math.min(20_000, leaseMs / 3);
  if (sendTimeoutMs + recordMarginMs >= leaseMs) throw new RangeError("leaseMs must exceed sendTimeoutMs by a margin for the record");
  const maxInFlight = o.maxInFlight ?? Math.max(2, Math.ceil(2 * o.ratePerSecond));
  // About a second of sends claimed ahead: enough to cover a slow claim, short enough that a
  // chat's next message, claimed as soon as its interval ends within it, is not queued behind
  // more than that interval's worth of others.
  const claimAheadMs = 1_000;
  const policy: RetryPolicy = {
    maxAttempts: o.maxAttempts,
    retryBaseMs: o.retryBaseMs ?? 1_000,
    retryCapMs: o.retryCapMs ?? 300_000,
    freeRateLimits: o.freeRateLimits ?? 20,
    ...(random ? { random } : {}),
  };
  return {
    ratePerSecond: o.ratePerSecond,
    perChatIntervalMs: o.perChatIntervalMs ?? DEFAULT_PRIVATE_INTERVAL_MS,
    groupIntervalMs: o.groupIntervalMs ?? (o.perChatIntervalMs === 0 ? 0 : DEFAULT_GROUP_INTERVAL_MS),
    slotWaitMs: o.slotWaitMs ?? 2_000,
    /** Rows one digest carries at most (a line each, under 4,096 characters). */
    digestLimit: 40,
    leaseMs,
    recordMarginMs,
    sendTimeoutMs,
    pollMs: o.pollMs ?? 500,
    maxInFlight,
    claimAheadMs,
    owner: o.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`,
    policy,
  };
}
