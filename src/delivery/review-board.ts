import { GrammyError, type Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Db } from "../db/client";
import { clearReviewedProofs, countWaitingProofs, readBoard, recordBoard, takeBoardTurn } from "../db/queries/proof-queue";
import type { Logger } from "../logger";
import { periodic } from "../periodic";
import type { Clock } from "../telegram/clock";

/** What a board says (the bot layer's words, in the chat's language). */
export type BoardView = { text: string; replyMarkup: InlineKeyboardMarkup };

export type ReviewBoardDeps = {
  db: Db;
  api: Pick<Api, "sendMessage" | "editMessageText">;
  logger: Logger;
  /** The chats that show the board: the admin group, or each admin. */
  chats: readonly number[];
  render(chatId: number, waiting: number): Promise<BoardView>;
  everyMs?: number;
  /** Least time between two changes of one chat's board. */
  gapMs?: (chatId: number) => number;
  clock?: Clock;
};

/** A group takes 20 calls a minute: its board changes at most every 10 s; a private chat's every 3 s. */
const defaultGapMs = (chatId: number) => (chatId < 0 ? 10_000 : 3_000);

/**
 * "📥 N receipts waiting" where the admins look, kept up to date: one message per chat, edited
 * as the number changes (no more often than the chat's gap), a new one when receipts start
 * waiting again after none did (so it shows at the bottom of the chat and notifies), and "all
 * reviewed" when the queue is empty. Receipts reach admins through the queue they walk, not as
 * one group message each. One process at a time updates a chat's board (takeBoardTurn).
 */
export function createReviewBoard(deps: ReviewBoardDeps) {
  const everyMs = deps.everyMs ?? 2_000;
  const gapMs = deps.gapMs ?? defaultGapMs;
  async function show(chatId: number, waiting: number): Promise<void> {
    const board = await readBoard(deps.db, chatId);
    if ((board?.shown ?? 0) === waiting) return;
    const turn = await takeBoardTurn(deps.db, chatId, gapMs(chatId));
    if (!turn || turn.shown === waiting) return;
    const view = await deps.render(chatId, waiting);
    const options = { parse_mode: "HTML" as const, reply_markup: view.replyMarkup };
    if (turn.messageId !== null && !(turn.shown === 0 && waiting > 0)) {
      try {
        await deps.api.editMessageText(chatId, turn.messageId, view.text, options);
        await recordBoard(deps.db, chatId, waiting, turn.messageId);
        return;
      } catch (error) {
        // Deleted by an admin (or unchanged): a new board below, if there is anything to say.
        if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
      }
    }
    if (waiting === 0) return recordBoard(deps.db, chatId, 0, turn.messageId);
    const message = await deps.api.sendMessage(chatId, view.text, options);
    await recordBoard(deps.db, chatId, waiting, message.message_id);
  }

  async function tick(): Promise<void> {
    await clearReviewedProofs(deps.db);
    const waiting = await countWaitingProofs(deps.db);
    for (const chatId of deps.chats) {
      try {
        await show(chatId, waiting);
      } catch (err) {
        deps.logger.warn({ err, chat_id: chatId }, "could not update the receipts board");
      }
    }
  }

  // Each tick is one look: clear what was reviewed elsewhere, count, update every board that changed.
  return periodic(tick, { everyMs, clock: deps.clock, onError: (err) => deps.logger.warn({ err }, "could not count the receipts waiting") });
}
