import { GrammyError, HttpError, type Bot } from "grammy";
import type { Logger } from "./logger";

/**
 * An expected reason the bot cannot start (a token Telegram rejects, a database that refuses the
 * login or does not exist). Its message is one line for the operator: main prints it alone and
 * exits 1, without a stack trace.
 */
export class StartupError extends Error {
  override name = "StartupError";
}

/** Start-up retries: 1 s, 2 s, 4 s … up to a minute, until it works or the process is stopped. */
export const retryDelayMs = (attempt: number) => Math.min(60_000, 1_000 * 2 ** Math.min(attempt - 1, 6));

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

/** The network error's code (ECONNREFUSED, ENOTFOUND …) or message, for a one-line log. */
export function describeError(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown; error?: unknown }).cause ?? (e as { error?: unknown }).error, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code) return code;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * `getMe` until Telegram answers. A token it rejects (401, or 404 for one it cannot even parse)
 * stops the start with advice; anything else (no network, a firewall, a wrong
 * TELEGRAM_API_ROOT, Telegram's own 5xx) is said in one line and retried with backoff. (grammY's
 * own `bot.init()` retries network errors too, but silently: the operator saw nothing.)
 */
export async function initBot(bot: Pick<Bot, "api" | "botInfo">, options: { apiRoot: string; logger: Logger; signal: AbortSignal }): Promise<void> {
  for (let attempt = 1; !options.signal.aborted; attempt++) {
    // A firewall that drops packets gives no error for a long time: say that we are waiting.
    const slow = setTimeout(() => options.logger.warn({ api: options.apiRoot }, `no answer from the Bot API at ${options.apiRoot} after 10 s; still waiting`), 10_000);
    try {
      bot.botInfo = await bot.api.getMe();
      return;
    } catch (err) {
      if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
        throw new StartupError(`Telegram rejected BOT_TOKEN (${err.error_code}): copy it again from @BotFather`);
      }
      const why = err instanceof GrammyError ? `${err.error_code} ${err.description}` : err instanceof HttpError ? describeError(err.error) : describeError(err);
      const delay = retryDelayMs(attempt);
      options.logger.warn({ api: options.apiRoot, error: why, attempt, retry_in_s: delay / 1000 }, `cannot reach the Bot API at ${options.apiRoot} (${why}); retrying in ${delay / 1000} s`);
      await sleep(delay, options.signal);
    } finally {
      clearTimeout(slow);
    }
  }
}

/** SQLSTATEs of a database that will not let us in, with what to do. */
const LOGIN_REFUSED: Record<string, (detail: string) => string> = {
  "28P01": () => "The database refused the password (28P01): check the user and password in DATABASE_URL",
  "28000": () => "The database refused the login (28000): check the user in DATABASE_URL and the server's pg_hba.conf",
  "3D000": (detail) => `The database does not exist (3D000${detail ? `: ${detail}` : ""}): create it or fix the name in DATABASE_URL`,
};

/** A login the database refuses, as a StartupError; undefined for anything else. */
export function databaseLoginError(err: unknown): StartupError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const advice = typeof code === "string" ? LOGIN_REFUSED[code] : undefined;
    if (advice) return new StartupError(advice(code === "3D000" ? String((e as { message?: unknown }).message ?? "") : ""));
  }
  return undefined;
}
