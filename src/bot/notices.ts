import { InlineKeyboard } from "grammy";
import type { Config } from "../config";
import { getBooking, type BookingRow } from "../db/queries/bookings";
import type { OutboxKind } from "../db/schema";
import { enqueue, type OutgoingMessage } from "../db/queries/outbox";
import type { OnOutcome } from "../delivery/worker";
import { packCard, packMessages, packQueue } from "./callback-data";
import type { Db } from "../db/client";
import { individualSender } from "../db/queries/student-messages";
import { findStudent } from "../db/queries/students";
import type { DeliveryOutcome } from "../delivery/worker";
import { escapeHtml } from "./format/html";
import { withMore } from "./format/people";
import type { BoardView } from "../delivery/review-board";
import { deepLink } from "./format/digest";
import { displayName, formatCount } from "./format/values";
import { cardKeyboard } from "./format/card";
import { formatFailedDelivery } from "./format/proof";
import { formatNewBookingNotice } from "./format/student";
import { TEXTS, type Texts } from "./i18n";
import { adminLang, languageStore, type LanguageStore } from "./language";

/** Where the admins' notices go, in the language each is read in. */
export type NoticeTarget = { chatId: number; t: Texts; group: boolean };

/**
 * The admin group when ADMIN_CHAT_ID is set (one copy where all admins see and discuss it, as the
 * real bot's TARGET_CHAT_ID), in the first admin's language; otherwise every admin's private chat,
 * each in their own.
 */
export async function noticeTargets(config: Pick<Config, "adminIds" | "adminChatId">, languages: LanguageStore): Promise<NoticeTarget[]> {
  if (config.adminChatId !== undefined) {
    return [{ chatId: config.adminChatId, t: TEXTS[await adminLang(languages, config.adminIds[0]!)], group: true }];
  }
  return Promise.all(config.adminIds.map(async (id) => ({ chatId: id, t: TEXTS[await adminLang(languages, id)], group: false })));
}

const markup = (keyboard: InlineKeyboard) => ({ inline_keyboard: keyboard.inline_keyboard });

/**
 * A new booking: in the group with the card's buttons (any admin acts there at once); in a
 * private chat, as before, with a button that opens the card.
 */
export function newBookingNotices(targets: readonly NoticeTarget[], row: BookingRow): OutgoingMessage[] {
  return targets.map(({ chatId, t, group }) => ({
    dedupeKey: `booking:${row.id}:new:${chatId}`,
    kind: "admin_notice" as const,
    chatId,
    text: formatNewBookingNotice(row, t),
    parseMode: "HTML" as const,
    replyMarkup: markup(group ? cardKeyboard(row, t) : new InlineKeyboard().text(t.notice.open(row.id), packCard({ op: "show", id: row.id }))),
    bookingId: row.id,
    // Several waiting for the chat's turn (a crowd after an announcement) go out as one digest.
    digest: "new_booking",
  }));
}

/**
 * Messages to students about a booking. Failures of other rows raise no notice: an admin's or the
 * group's own notice failing would otherwise notify about itself, and a broadcast has its report.
 */
const STUDENT_MESSAGES: ReadonlySet<OutboxKind> = new Set(["booking_accepted", "confirmation", "cancellation", "reminder", "payment_instructions"]);

/**
 * The delivery worker's follow-up for a message to a student that failed for good: a notice to
 * the admins (the group, or each admin) with the card's buttons, queued in the transaction that
 * records the failure.
 */
export function failedDeliveryNotices(config: Pick<Config, "adminIds" | "adminChatId">): OnOutcome {
  return async (tx, row, outcome) => {
    if (outcome.status === "failed" && row.kind === "student_reply" && row.recipientId !== null) return tellWriter(tx, row.id, row.recipientId, outcome);
    if (outcome.status !== "failed" || row.bookingId === null || row.recipientId !== null || !STUDENT_MESSAGES.has(row.kind)) return;
    const booking = await getBooking(tx, row.bookingId);
    const targets = await noticeTargets(config, languageStore(tx));
    await enqueue(
      tx,
      targets.map(({ chatId, t }) => ({
        dedupeKey: `failed:${row.id}:${chatId}`,
        kind: "admin_notice" as const,
        chatId,
        text: formatFailedDelivery({ kind: row.kind, bookingId: row.bookingId!, error: outcome.error }, booking, t),
        parseMode: "HTML" as const,
        ...(booking ? { replyMarkup: markup(cardKeyboard(booking, t)) } : {}),
        bookingId: row.bookingId,
      })),
    );
  };
}

/** The chats that show the receipts board: the admin group, or each admin's private chat. */
export const boardChats = (config: Pick<Config, "adminIds" | "adminChatId">): number[] =>
  config.adminChatId !== undefined ? [config.adminChatId] : [...config.adminIds];

/**
 * The receipts board's words: how many wait, and a button to the queue — in the group a link
 * that opens the admin's private chat with the bot (`/start queue`), in a private chat the
 * queue itself.
 */
export function reviewBoardView(config: Pick<Config, "adminIds" | "adminChatId">, languages: LanguageStore, botUsername: string): (chatId: number, waiting: number) => Promise<BoardView> {
  return async (chatId, waiting) => {
    const t = TEXTS[await adminLang(languages, chatId < 0 ? config.adminIds[0]! : chatId)];
    if (waiting === 0) return { text: t.queue.boardEmpty, replyMarkup: { inline_keyboard: [] } };
    const open = chatId < 0 ? new InlineKeyboard().url(t.queue.open, deepLink(botUsername, "queue")) : new InlineKeyboard().text(t.queue.open, packQueue({ op: "next" }));
    return { text: t.queue.board(formatCount(waiting, t)), replyMarkup: markup(open) };
  };
}

/** An admin's message to a student that failed for good: that admin hears it, in their language. */
async function tellWriter(tx: Db, outboxId: number, recipientId: number, outcome: Extract<DeliveryOutcome, { status: "failed" }>): Promise<void> {
  const sender = await individualSender(tx, recipientId);
  if (!sender) return;
  const t = TEXTS[await adminLang(languageStore(tx), sender.adminId)];
  const student = await findStudent(tx, { userId: sender.userId });
  const name = displayName(t, student?.firstName, student?.lastName);
  await enqueue(tx, [
    {
      dedupeKey: `failed:${outboxId}:${sender.adminId}`,
      kind: "admin_notice",
      chatId: sender.adminId,
      text: t.people.failed(name, outcome.unreachable ? t.people.blockedBot : escapeHtml(outcome.error)),
      parseMode: "HTML",
      replyMarkup: markup(new InlineKeyboard().text(t.people.write, packMessages({ op: "write", userId: sender.userId }))),
    },
  ]);
}

/** A relay's text with its running count, in the language the chat's notices are read in. */
export function relayCountText(config: Pick<Config, "adminIds" | "adminChatId">, languages: LanguageStore) {
  return async (chatId: number, baseText: string, more: number, userId: number): Promise<string> => {
    const t = TEXTS[await adminLang(languages, chatId < 0 ? config.adminIds[0]! : chatId)];
    return withMore(baseText, more, userId, t);
  };
}
