import { GrammyError, HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { backoffMs, decideAfterFailure, type RetryPolicy } from "../../src/delivery/retry-policy";
import { classifySendError } from "../../src/delivery/telegram-errors";

const telegramError = (error_code: number, description: string, parameters: { retry_after?: number } = {}) =>
  new GrammyError("Call to 'sendMessage' failed!", { ok: false, error_code, description, parameters }, "sendMessage", {});

const policy: RetryPolicy = { maxAttempts: 3, retryBaseMs: 1000, retryCapMs: 300_000, freeRateLimits: 2, random: () => 0.5 };

describe("classifySendError", () => {
  it("reads 429's retry_after", () => {
    expect(classifySendError(telegramError(429, "Too Many Requests: retry after 7", { retry_after: 7 }))).toEqual({
      kind: "rate_limited",
      retryAfterMs: 7000,
      code: 429,
      error: "429: Too Many Requests: retry after 7",
    });
  });

  it("403 is final and marks the student unreachable; 400 is final only", () => {
    expect(classifySendError(telegramError(403, "Forbidden: bot was blocked by the user"))).toMatchObject({ kind: "permanent", unreachable: true, code: 403 });
    expect(classifySendError(telegramError(400, "Bad Request: chat not found"))).toMatchObject({ kind: "permanent", unreachable: false, code: 400 });
  });

  it("goes by the code, not the wording", () => {
    // A reworded description changes nothing; a 400 that mentions blocking does not mark anyone.
    expect(classifySendError(telegramError(403, "something new"))).toMatchObject({ kind: "permanent", unreachable: true });
    expect(classifySendError(telegramError(400, "Forbidden: bot was blocked by the user"))).toMatchObject({ unreachable: false });
    expect(classifySendError(telegramError(500, "Bad Request: chat not found"))).toMatchObject({ kind: "transient", code: 500 });
  });

  it("5xx, unknown codes, network and other errors are worth retrying", () => {
    expect(classifySendError(telegramError(502, "Bad Gateway"))).toMatchObject({ kind: "transient", code: 502 });
    expect(classifySendError(telegramError(401, "Unauthorized"))).toMatchObject({ kind: "transient", code: 401 });
    expect(classifySendError(new TypeError("boom"))).toEqual({ kind: "transient", code: "unknown", error: "unexpected TypeError" });
  });

  it("keeps the bot token out of a network error's text", () => {
    const inner = Object.assign(new Error("request to https://api.telegram.org/bot123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ/sendMessage failed"), { code: "ECONNRESET" });
    const failure = classifySendError(new HttpError("Network request for 'sendMessage' failed!", inner));
    expect(failure).toEqual({ kind: "transient", code: "network", error: "network: Network request for 'sendMessage' failed! (ECONNRESET)" });
  });
});

describe("decideAfterFailure", () => {
  const transient = { kind: "transient", code: 500, error: "500: Internal Server Error" } as const;
  const limited = { kind: "rate_limited", retryAfterMs: 3000, code: 429, error: "429: Too Many Requests" } as const;

  it("backs off with full jitter under a doubling ceiling, up to the cap", () => {
    expect(backoffMs(1, policy)).toBe(500);
    expect(backoffMs(2, policy)).toBe(1000);
    expect(backoffMs(3, policy)).toBe(2000);
    expect(backoffMs(40, policy)).toBe(150_000);
    expect(backoffMs(5, { ...policy, random: () => 0 })).toBe(0);
  });

  it("retries 5xx until maxAttempts, then fails", () => {
    expect(decideAfterFailure(transient, 1, 0, policy)).toEqual({ kind: "retry", delayMs: 500, error: transient.error, countsAsAttempt: true });
    expect(decideAfterFailure(transient, 3, 0, policy)).toEqual({ kind: "failed", error: transient.error, unreachable: false });
  });

  it("waits retry_after on 429 without using an attempt, within the allowance", () => {
    expect(decideAfterFailure(limited, 3, 2, policy)).toEqual({ kind: "retry", delayMs: 3000, error: limited.error, countsAsAttempt: false });
    expect(decideAfterFailure(limited, 2, 3, policy)).toEqual({ kind: "retry", delayMs: 3000, error: limited.error, countsAsAttempt: true });
    expect(decideAfterFailure(limited, 3, 3, policy)).toEqual({ kind: "failed", error: limited.error, unreachable: false });
  });

  it("fails at once on permanent errors", () => {
    expect(decideAfterFailure({ kind: "permanent", code: 403, error: "403: Forbidden", unreachable: true }, 1, 0, policy)).toEqual({
      kind: "failed",
      error: "403: Forbidden",
      unreachable: true,
    });
  });
});
