import { GrammyError, HttpError } from "grammy";

/** What a failed `sendMessage` means for the message, decided by error code only. */
export type SendFailure =
  /** 429: Telegram wants a pause; the message itself is fine. */
  | { kind: "rate_limited"; retryAfterMs: number; code: number; error: string }
  /** 5xx, network errors, time-outs, anything unknown: worth another try later. */
  | { kind: "transient"; code: number | "network" | "unknown"; error: string }
  /** 4xx the message cannot recover from; `unreachable`: the student blocked the bot or is gone. */
  | { kind: "permanent"; code: number; error: string; unreachable: boolean };

/** When Telegram sends a 429 without `retry_after` (it always should). */
const DEFAULT_RETRY_AFTER_S = 5;

/**
 * Classifies by `error_code` and `parameters.retry_after`, never by description text: Telegram
 * rewords descriptions, codes are the contract.
 * - 403: the student blocked the bot or the account is deactivated → permanent, unreachable.
 * - 400 on sendMessage: chat not found, bad markup, text too long … → permanent. Without reading
 *   the text, "chat not found" cannot be told apart from a malformed message, so a 400 does not
 *   mark the student unreachable (a false "blocked" would hide a bug of ours as their choice).
 * - 401/404 (bad token), 409, 420 and other codes → transient: they are about the bot, not the
 *   message, and retrying with backoff keeps the message until an operator fixes the bot.
 */
export function classifySendError(err: unknown): SendFailure {
  if (err instanceof GrammyError) {
    const code = err.error_code;
    const error = sanitize(`${code}: ${err.description}`);
    if (code === 429) {
      const retryAfter = err.parameters.retry_after;
      const seconds = typeof retryAfter === "number" && retryAfter >= 0 ? retryAfter : DEFAULT_RETRY_AFTER_S;
      return { kind: "rate_limited", retryAfterMs: Math.ceil(seconds * 1000), code, error };
    }
    if (code === 403) return { kind: "permanent", code, error, unreachable: true };
    if (code === 400) return { kind: "permanent", code, error, unreachable: false };
    return { kind: "transient", code, error };
  }
  if (err instanceof HttpError) {
    // HttpError.message names the method only; the wrapped error may carry the request URL,
    // which holds the bot token, so only its name or errno code is kept.
    const inner = err.error as { name?: unknown; code?: unknown } | undefined;
    const detail = typeof inner?.code === "string" ? inner.code : typeof inner?.name === "string" ? inner.name : "";
    return { kind: "transient", code: "network", error: sanitize(`network: ${err.message}${detail ? ` (${detail})` : ""}`) };
  }
  const name = err instanceof Error ? err.name : typeof err;
  return { kind: "transient", code: "unknown", error: `unexpected ${name}` };
}

/** Defence in depth: whatever reaches the database or a log line never holds a token. */
export function sanitize(text: string): string {
  return text.replace(/\d{5,}:[\w-]{20,}/g, "[token]").slice(0, 500);
}
