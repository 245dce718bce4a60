import { formatUsd, type Price } from "../../bookings/payment-instructions";
import type { ProofNotice } from "../../bookings/payment-proof";
import type { BookingRow } from "../../db/queries/bookings";
import type { Texts } from "../i18n";
import { courseTitle, discountText, displayName, displayUsername, formatCount, formatDateTime, safe, statusText, streamTitle } from "./values";

/** Telegram's limit for a photo's or document's caption. */
export const CAPTION_LIMIT = 1024;

const studentLine = (row: BookingRow, t: Texts) => `${displayName(t, row.firstName)} · ${displayUsername(t, row.username)} · id <code>${row.userId}</code>`;

/**
 * The caption of a proof re-sent to the admins (HTML): which booking, whose, what it is for and
 * what is due. Stored strings are cut and escaped; should escaping still push it past Telegram's
 * 1,024 characters, the caption keeps only what identifies the booking.
 */
export function formatProofCaption(notice: ProofNotice, t: Texts): string {
  const { booking: row, moved, price } = notice;
  const title = moved ? t.proof.title(row.id, statusText(0, t), statusText(1, t)) : t.proof.another(row.id, statusText(row.confirmed, t));
  return receiptCaption(title, row, price, [], t);
}

/** A message to a student that failed for good, for the admins (HTML). */
export function formatFailedDelivery(failed: { kind: string; bookingId: number; error: string }, row: BookingRow | undefined, t: Texts): string {
  const kind = t.card.kind[failed.kind] ?? failed.kind;
  const who = row ? `${displayName(t, row.firstName)} · ${displayUsername(t, row.username)}` : "—";
  return t.proof.failed(kind, failed.bookingId, who, safe(failed.error, 300));
}

/**
 * A receipt in an admin's review queue (HTML caption): which booking, whose, what for, what is
 * due, when it came and how many others wait; cut to what identifies it should it outgrow 1,024.
 */
export function formatQueueCaption(item: { booking: BookingRow; price: Price; sentAt: Date; waiting: number }, timeZone: string, t: Texts): string {
  const row = item.booking;
  const title = t.queue.caption(row.id, formatCount(Math.max(0, item.waiting - 1), t));
  return receiptCaption(title, row, item.price, [t.queue.sent(formatDateTime(item.sentAt, timeZone))], t);
}

/** A receipt's caption: whose, what for, what is due, then `extra`; only what identifies it past 1,024 characters. */
function receiptCaption(title: string, row: BookingRow, price: Price, extra: string[], t: Texts): string {
  const full = [
    title,
    studentLine(row, t),
    [courseTitle(row.courseId, row.courseName, t), streamTitle(row.courseStream, row.streamTitle, t), discountText(row.discountPercent, row.referralCode, t)]
      .filter(Boolean)
      .join(" · "),
    price.dueCents === null ? undefined : t.proof.due(formatUsd(price.dueCents)),
    ...extra,
    t.proof.open(row.id),
  ]
    .filter((line) => line !== undefined)
    .join("\n");
  return full.length <= CAPTION_LIMIT ? full : [title, `id <code>${row.userId}</code>`, t.proof.open(row.id)].join("\n");
}
