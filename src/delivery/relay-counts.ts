import { GrammyError, type Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Db } from "../db/client";
import { markRelayShown, takeRelaysToCount } from "../db/queries/student-messages";
import type { Logger } from "../logger";
import { periodic } from "../periodic";
import type { Clock } from "../telegram/clock";

export type RelayCountsDeps = {
  db: Db;
  api: Pick<Api, "editMessageText" | "editMessageCaption">;
  logger: Logger;
  /** The relay's text with its count, in the chat's language (the bot layer's words). */
  render(chatId: number, baseText: string, more: number, userId: number): Promise<string>;
  everyMs?: number;
  /** Least time between two changes of one relay. */
  gapMs?: number;
  clock?: Clock;
};

/**
 * Keeps the count on each relay of a student's messages ("➕ 37 more — the whole thread: /u123")
 * up to date: an edit of the relay at most every `gapMs`, by one process at a time, so a student
 * writing a hundred messages a minute costs the admins one message and a few edits.
 */
export function createRelayCounts(deps: RelayCountsDeps) {
  const everyMs = deps.everyMs ?? 5_000;
  const gapMs = deps.gapMs ?? 20_000;
  async function tick(): Promise<void> {
    for (const relay of await takeRelaysToCount(deps.db, gapMs)) {
      const text = await deps.render(relay.chatId, relay.baseText, relay.more, relay.userId);
      const options = { parse_mode: "HTML" as const, ...(relay.replyMarkup ? { reply_markup: relay.replyMarkup as InlineKeyboardMarkup } : {}) };
      try {
        if (relay.editAs === "caption") await deps.api.editMessageCaption(relay.chatId, relay.messageId, { caption: text, ...options });
        else await deps.api.editMessageText(relay.chatId, relay.messageId, text, options);
      } catch (error) {
        // Deleted by an admin, or unchanged: the count is in the thread anyway.
        if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
        deps.logger.debug({ chat_id: relay.chatId, description: error.description }, "relay left as it was");
      }
      await markRelayShown(deps.db, relay.userId, relay.chatId, relay.more);
    }
  }

  return periodic(tick, { everyMs, clock: deps.clock, onError: (err) => deps.logger.warn({ err }, "could not update the counts on students' relayed messages") });
}
