import type { Message } from "grammy/types";
import { FakeTelegram, type ApiCall } from "../../test/helpers/fake-telegram";

/** Calls that put something in front of a person: a new message, or an edit of one. */
const VISIBLE = new Set(["sendMessage", "sendPhoto", "sendDocument", "copyMessage", "editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup"]);
const COUNTED = new Set([...VISIBLE, "deleteMessage"]);

type Waiter = { match: (call: ApiCall) => boolean; resolve: (call: ApiCall) => void };

/**
 * The Bot API as Telegram documents its flood limits, for a crowd: about 30 messages a second
 * for the whole bot, one new message a second to a private chat, 20 calls a minute to a group
 * (edits count too), and 429 with retry_after beyond them, refusing every call in that window.
 * Actors wait for what reaches their chat (`next`); the log answers the figures afterwards.
 */
export class LaunchTelegram {
  private readonly waiters = new Map<number, Waiter[]>();

  private constructor(readonly fake: FakeTelegram) {
    fake.enforceLimits({ perSecond: 30, perChatMs: 1_000, groupPerMinute: 20, countChanges: true, retryAfter: 1 });
    fake.afterAnswer = (call) => {
      if (call.outcome !== "ok" || !VISIBLE.has(call.method)) return;
      const list = this.waiters.get(Number(call.payload.chat_id));
      const i = list?.findIndex((w) => w.match(call)) ?? -1;
      if (i >= 0) list!.splice(i, 1)[0]!.resolve(call);
    };
  }

  static async start(): Promise<LaunchTelegram> {
    return new LaunchTelegram(await FakeTelegram.start());
  }

  get apiRoot(): string {
    return this.fake.apiRoot;
  }

  /** The next visible call to `chatId` that `match` accepts (register before causing it); undefined after `ms`. */
  next(chatId: number, match: (call: ApiCall) => boolean, ms: number): Promise<ApiCall | undefined> {
    return new Promise((resolve) => {
      const waiter: Waiter = { match, resolve: (call) => (clearTimeout(timer), resolve(call)) };
      const timer = setTimeout(() => {
        const list = this.waiters.get(chatId) ?? [];
        list.splice(list.indexOf(waiter), 1);
        resolve(undefined);
      }, ms);
      this.waiters.set(chatId, [...(this.waiters.get(chatId) ?? []), waiter]);
    });
  }

  /** The message as it stands after edits. */
  message(chatId: number, messageId: number): Message | undefined {
    return this.fake.message(chatId, messageId);
  }

  /** Accepted calls that Telegram's limits count, in arrival order. */
  counted(): ApiCall[] {
    return this.fake.calls.filter((c) => c.outcome === "ok" && COUNTED.has(c.method));
  }

  close(): Promise<void> {
    return this.fake.close();
  }
}

/** The most arrivals within any window of `ms`. */
export function peakIn(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= ms) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}
