import type { SendFailure } from "./telegram-errors";

export type RetryPolicy = {
  /** Tries (claims) a message gets before a 5xx/network failure becomes final. */
  maxAttempts: number;
  /** First backoff ceiling; doubles per attempt up to `retryCapMs` (full jitter below it). */
  retryBaseMs: number;
  retryCapMs: number;
  /** 429s of one message that do not use up an attempt; beyond them each 429 counts as one. */
  freeRateLimits: number;
  random?: () => number;
};

/** What happens to a message whose send failed. */
export type FailureDecision =
  | {
      kind: "retry";
      delayMs: number;
      error: string;
      /** False for a 429 within the free allowance: the attempt the claim counted is given back. */
      countsAsAttempt: boolean;
    }
  | { kind: "failed"; error: string; unreachable: boolean };

/**
 * `attempt` is the try that just failed (the row's `attempts` after its claim, 1 for the first);
 * `rateLimited` how many 429s this message has had so far, this one included.
 */
export function decideAfterFailure(failure: SendFailure, attempt: number, rateLimited: number, policy: RetryPolicy): FailureDecision {
  switch (failure.kind) {
    case "permanent":
      return { kind: "failed", error: failure.error, unreachable: failure.unreachable };
    case "rate_limited": {
      const free = rateLimited <= policy.freeRateLimits;
      if (!free && attempt >= policy.maxAttempts) return { kind: "failed", error: failure.error, unreachable: false };
      return { kind: "retry", delayMs: failure.retryAfterMs, error: failure.error, countsAsAttempt: !free };
    }
    case "transient":
      if (attempt >= policy.maxAttempts) return { kind: "failed", error: failure.error, unreachable: false };
      return { kind: "retry", delayMs: backoffMs(attempt, policy), error: failure.error, countsAsAttempt: true };
  }
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base · 2^(attempt−1))). */
export function backoffMs(attempt: number, policy: Pick<RetryPolicy, "retryBaseMs" | "retryCapMs" | "random">): number {
  const ceiling = Math.min(policy.retryCapMs, policy.retryBaseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.floor((policy.random ?? Math.random)() * ceiling);
}
