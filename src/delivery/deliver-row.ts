import type { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Db } from "../db/client";
import type { OutboxRow } from "../db/schema";
import type { Logger } from "../logger";
import { markFailed, markSent, markUserBlocked, recordRecipientOutcome, requeue } from "../db/queries/outbox";
import type { Clock } from "../telegram/clock";
import { classifySendError, type SendFailure } from "./telegram-errors";

export type DeliveryOutcome =
  | { status: "sent"; telegramMessageId: number }
  | { status: "failed"; error: string; unreachable: boolean };

/**
 * Runs inside the transaction that records a final outcome (sent, or failed for good), after the
 * outbox and broadcast rows are updated: e.g. queue a broadcast's report when its last recipient
 * is done. For a broadcast row the `message_history` row is already locked by then, so such a
 * "none left?" count sees every other recipient's outcome and exactly one transaction finds
 * none left. It runs under a savepoint: if it throws, its writes are undone and logged, and the
 * delivery is still recorded (a sent message must never go back to the queue).
 */
export type OnOutcome = (tx: Db, row: OutboxRow, outcome: DeliveryOutcome) => Promise<void> | void;

export type SendResult = { ok: true; telegramMessageId: number } | { ok: false; failure: SendFailure };

/** What the worker sends with: text, and photos or documents by Telegram file id. */
export type SendApi = Pick<Api, "sendMessage" | "sendPhoto" | "sendDocument" | "copyMessage" | "deleteMessage">;

/** What goes out: the row's own, or a digest of it and the rows folded into it. */
export type Content = Pick<OutboxRow, "text" | "parseMode" | "replyMarkup" | "mediaKind" | "mediaFileId" | "copyFromChatId" | "copyMessageId" | "deletesMessageId">;

/**
 * One `sendMessage` — or, for a photo or document, `sendPhoto` / `sendDocument` by its file id
 * with the text as caption, or `copyMessage` of another chat's message, or (a recall) the
 * `deleteMessage` of one sent before — to the row's chat, aborted after `timeoutMs` (the lease
 * must outlive the request). Errors are classified alike whichever method made the call.
 */
export async function sendRow(api: SendApi, row: Pick<OutboxRow, "chatId">, content: Content, timeoutMs: number): Promise<SendResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  // grammY types its signal with the abort-controller polyfill; the native one works the same.
  const signal = controller.signal as unknown as Parameters<Api["sendMessage"]>[3];
  const markup = content.replyMarkup ? { reply_markup: content.replyMarkup as InlineKeyboardMarkup } : {};
  const parseMode = content.parseMode ? { parse_mode: content.parseMode } : {};
  try {
    // A copy keeps the original's own caption unless the row gives one (text, then its caption).
    const caption = content.text ? { caption: content.text, ...parseMode } : {};
    if (content.deletesMessageId != null) {
      await api.deleteMessage(row.chatId, content.deletesMessageId, signal);
      return { ok: true, telegramMessageId: content.deletesMessageId };
    }
    const message =
      content.copyFromChatId != null && content.copyMessageId != null
        ? await api.copyMessage(row.chatId, content.copyFromChatId, content.copyMessageId, { ...caption, ...markup }, signal)
        : content.mediaKind === "photo" && content.mediaFileId
        ? await api.sendPhoto(row.chatId, content.mediaFileId, { caption: content.text, ...parseMode, ...markup }, signal)
        : content.mediaKind === "document" && content.mediaFileId
          ? await api.sendDocument(row.chatId, content.mediaFileId, { caption: content.text, ...parseMode, ...markup }, signal)
          : await api.sendMessage(row.chatId, content.text, { ...parseMode, ...markup }, signal);
    return { ok: true, telegramMessageId: message.message_id };
  } catch (err) {
    const failure = classifySendError(err);
    if (controller.signal.aborted && failure.kind === "transient") {
      // No answer in time. Telegram may still have delivered it: the Bot API has no idempotency
      // key, so a retry after a time-out can duplicate — the time-out is kept long for that reason.
      failure.error = `network: no answer within ${timeoutMs} ms`;
    }
    return { ok: false, failure };
  } finally {
    clearTimeout(timer);
  }
}

/** Records a final outcome in one transaction. False: the row is no longer ours (lease lost). */
export function recordFinal(db: Db, owner: string, row: OutboxRow, outcome: DeliveryOutcome, onOutcome: OnOutcome | undefined, logger: Logger) {
  return db.transaction(async (tx) => {
    const owned =
      outcome.status === "sent"
        ? await markSent(tx, { id: row.id, owner, telegramMessageId: outcome.telegramMessageId })
        : await markFailed(tx, { id: row.id, owner, error: outcome.error });
    if (!owned) return false;
    // blocked_users lists students; a group that removed the bot (negative chat id) is no student.
    if (outcome.status === "failed" && outcome.unreachable && row.chatId > 0) await markUserBlocked(tx, { userId: row.chatId, reason: outcome.error });
    if (row.recipientId != null) {
      const recall = row.deletesMessageId != null;
      const recipientId = row.recipientId;
      await recordRecipientOutcome(
        tx,
        outcome.status === "sent"
          ? recall
            ? { recipientId, status: "deleted" }
            : { recipientId, status: "sent", telegramMessageId: outcome.telegramMessageId }
          : recall
            ? { recipientId, status: "not_deleted", error: outcome.error }
            : { recipientId, status: "failed", error: outcome.error },
      );
    }
    if (onOutcome) {
      try {
        await tx.transaction(async (savepoint) => onOutcome(savepoint, row, outcome));
      } catch (err) {
        logger.error({ err, outbox_id: row.id }, "onOutcome failed; the delivery is recorded without its follow-up");
      }
    }
    return true;
  });
}

/** Back to the queue (`delayMs` undefined: keeping its turn); `refund` gives back the attempt the claim counted (429s, stopping). */
export function recordRetry(db: Db, owner: string, row: OutboxRow, args: { delayMs: number | undefined; error: string | null; refund: boolean }) {
  return requeue(db, { id: row.id, owner, ...args });
}

/**
 * A write that must land: retried with backoff for up to `forMs`. A sent message whose record
 * never lands is sent again once its lease expires, so this keeps trying (the database being
 * briefly unreachable is the usual cause) rather than giving up at the first error.
 */
export async function persist(
  what: string,
  row: OutboxRow,
  write: () => Promise<boolean>,
  ctx: { clock: Clock; logger: Logger; forMs: number },
): Promise<boolean | undefined> {
  const giveUpAt = ctx.clock.now() + ctx.forMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (ctx.clock.now() >= giveUpAt) {
        ctx.logger.error({ err, outbox_id: row.id, chat_id: row.chatId }, `could not record ${what}; the message will be taken again when its lease expires`);
        return undefined;
      }
      ctx.logger.warn({ err, outbox_id: row.id, attempt }, `could not record ${what}; retrying`);
      await ctx.clock.sleep(Math.min(5_000, 100 * 2 ** attempt));
    }
  }
}
