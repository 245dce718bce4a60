import type { ApiClientOptions } from "grammy";
import type { Logger } from "../logger";
import { systemClock, type Clock } from "./clock";
import { countedAs, isGroupChat } from "./methods";
import type { Priority, SendBudget } from "./send-budget";

/** The `fetch` grammY's client takes (its `client.fetch` option). */
export type ClientFetch = NonNullable<ApiClientOptions["fetch"]>;

/** Spaces a chat's calls across processes (the database's clock); resolves to when this one may go (epoch ms). */
export type ChatPacer = (chatId: number) => Promise<number>;

export type BudgetedFetchOptions = {
  budget: SendBudget;
  /** Whose call this is, from the chat it goes to. */
  priorityOf: (chatId: number) => Priority;
  /** Chat pacing shared with other processes (groups always, private chats while sharing); without it, this process's own. */
  pacer?: ChatPacer;
  logger: Logger;
  /** 429s waited out for one call before its 429 is handed to the caller. */
  maxRetries?: number;
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
};

/** When a 429 comes without `retry_after` (Telegram always sends one). */
const DEFAULT_RETRY_AFTER_S = 5;
const DEFAULT_MAX_RETRIES = 8;

/**
 * The bot's HTTP client under Telegram's limits, given to grammY as `client.fetch`, so every call
 * goes through it — the handlers' replies and edits, and those made inside conversations too
 * (the conversations plugin builds a fresh `Api` per replay from the client options, dropping
 * transformers installed on `bot.api`, and replayed calls never reach the network).
 *
 * A call Telegram counts waits for a slot of the process's send budget, at its chat's priority;
 * a 429 is waited out and the call made again (grammY's advice: the only correct handling),
 * holding only that chat, up to `maxRetries` times (grammY's own time-out bounds it too). A
 * reply that meets a 429 is therefore late, never lost.
 */
export function budgetedFetch(options: BudgetedFetchOptions): ClientFetch {
  const { budget, priorityOf, pacer, logger } = options;
  const clock = options.clock ?? systemClock;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const base = options.fetch ?? globalThis.fetch;

  const call = async (url: string, init: RequestInit & { signal?: unknown }): Promise<Response> => {
    const method = /\/(\w+)$/.exec(url)?.[1] ?? "";
    const counted = countedAs(method);
    // Read once, so a call can be made again after a 429 (an upload is at most Telegram's 50 MB).
    const body = await replayable(init.body);
    const chatId = chatIdOf(body);
    const signal = nativeSignal(init.signal);
    for (let attempt = 1; ; attempt++) {
      const slot =
        counted && chatId !== undefined
          ? await budget.acquire({
              chatId,
              priority: priorityOf(chatId),
              counted,
              // A group's every call, and a new message to a private chat while other processes
              // send too, take the chat's next slot in the database; edits of a private chat do not count.
              notBefore: pacer && (isGroupChat(chatId) || (counted === "send" && budget.sharing())) ? await pacer(chatId) : 0,
              ...(signal ? { signal } : {}),
            })
          : undefined;
      if (counted && chatId !== undefined && !slot) throw signal?.reason ?? new Error("aborted while waiting for a send slot");
      let response: Response;
      try {
        response = await base(url, { ...init, body: body ?? null, signal: signal ?? null });
      } catch (err) {
        // node-fetch (grammY's own) put the system error's code on the error; fetch puts it in `cause`.
        throw err instanceof TypeError && err.cause instanceof Error ? err.cause : err;
      } finally {
        slot?.done();
      }
      if (response.status !== 429) return response;
      const text = await response.text();
      if (attempt > maxRetries) return new Response(text, { status: response.status, headers: response.headers });
      const retryAfterMs = 1000 * retryAfterOf(text);
      logger.warn({ method, chat_id: chatId, retry_after_s: retryAfterMs / 1000, attempt }, "429 from Telegram: waiting and sending again");
      if (chatId !== undefined && counted) budget.rateLimited(chatId, retryAfterMs);
      else await clock.sleep(retryAfterMs, signal);
      if (signal?.aborted) throw signal.reason;
    }
  };
  return call as unknown as ClientFetch;
}

function retryAfterOf(text: string): number {
  try {
    const seconds = (JSON.parse(text) as { parameters?: { retry_after?: unknown } }).parameters?.retry_after;
    return typeof seconds === "number" && seconds >= 0 ? seconds : DEFAULT_RETRY_AFTER_S;
  } catch {
    return DEFAULT_RETRY_AFTER_S;
  }
}

/** A JSON string stays; grammY's multipart upload stream is read into one buffer. */
async function replayable(body: unknown): Promise<string | Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The chat a call goes to, as the Bot API's JSON or multipart body names it. */
export function chatIdOf(body: string | Buffer | undefined): number | undefined {
  if (body === undefined) return undefined;
  if (typeof body === "string") {
    try {
      const id = (JSON.parse(body) as { chat_id?: unknown }).chat_id;
      return typeof id === "number" ? id : undefined;
    } catch {
      return undefined;
    }
  }
  const head = body.subarray(0, 4096).toString("latin1");
  const id = /name="?chat_id"?\r\n\r\n(-?\d+)\r\n/.exec(head)?.[1];
  return id === undefined ? undefined : Number(id);
}

/** grammY signals come from its AbortController polyfill; fetch takes only the platform's own. */
function nativeSignal(signal: unknown): AbortSignal | undefined {
  if (!signal) return undefined;
  if (signal instanceof AbortSignal) return signal;
  const polyfill = signal as { aborted: boolean; addEventListener(type: "abort", listener: () => void, options?: { once: boolean }): void };
  const controller = new AbortController();
  if (polyfill.aborted) controller.abort();
  else polyfill.addEventListener("abort", () => controller.abort(), { once: true });
  return controller.signal;
}
