import { InlineKeyboard } from "grammy";
import type { Payment } from "../../bookings/payment-instructions";
import type { Registration } from "../../bookings/student-booking";
import type { OpenStream, OwnBooking } from "../../db/queries/student-bookings";
import type { BookingRow } from "../../db/queries/bookings";
import { packStudent, parseStudent } from "../callback-data";
import type { Texts } from "../i18n";
import { escapeHtml, truncate } from "./html";
import {
  courseTitle,
  discountText,
  displayName,
  displayUsername,
  formatDateTime,
  statusText,
  streamName,
  streamTitle,
} from "./values";

function couponLine(coupon: NonNullable<Registration["coupon"]>, t: Texts): string {
  const code = escapeHtml(coupon.code);
  switch (coupon.kind) {
    case "valid":
      return t.students.referral(escapeHtml(coupon.coupon.code), coupon.coupon.discountPercent);
    case "not_found":
      return t.students.couponNotFound(code);
    case "expired":
      return t.students.couponExpired(code);
    case "used":
      return t.students.couponUsed(code);
  }
}

/** What /start shows a student: a greeting, what became of their coupon, and a button per open stream. */
export function formatWelcome(
  firstName: string,
  offers: OpenStream[],
  coupon: Registration["coupon"],
  timeZone: string,
  t: Texts,
): { text: string; keyboard: InlineKeyboard } {
  const lines = [t.students.hello(escapeHtml(firstName))];
  if (coupon) lines.push(couponLine(coupon, t));
  const keyboard = new InlineKeyboard();
  if (offers.length === 0) {
    lines.push(t.students.noStreams);
  } else {
    lines.push(t.students.choose);
    for (const o of offers) {
      const data = packStudent({ op: "book", courseId: o.courseId, stream: o.streamCode });
      // A stream code that cannot ride in a button (non-ASCII, too long) is not offered.
      if (!parseStudent(data) || Buffer.byteLength(data) > 64) continue;
      const start = o.startsAt ? t.students.starts(formatDateTime(o.startsAt, timeZone).slice(0, 5)) : "";
      const label = `${o.courseName ?? t.courseNumber(o.courseId)} · ${streamName(o.streamCode, o.streamTitle, t)}${start}`;
      keyboard.text(truncate(label, 60), data).row();
    }
  }
  keyboard.text(t.students.mine, packStudent({ op: "mine" }));
  return { text: lines.join("\n"), keyboard };
}

/** The student's own bookings, with a cancel button for those not confirmed yet. */
export function formatOwnBookings(rows: OwnBooking[], timeZone: string, t: Texts): { text: string; keyboard?: InlineKeyboard } {
  if (rows.length === 0) return { text: t.students.none };
  const keyboard = new InlineKeyboard();
  const cancellable = rows.filter((r) => r.confirmed === 0 || r.confirmed === 1);
  const lines = [t.students.yours];
  for (const r of rows) {
    lines.push(
      t.students.line(
        statusText(r.confirmed, t),
        courseTitle(r.courseId, r.courseName, t),
        streamTitle(r.courseStream, r.streamTitle, t),
        formatDateTime(r.createdAt, timeZone),
      ),
    );
  }
  cancellable.forEach((r, i) => {
    if (i > 0) keyboard.row();
    keyboard.text(t.students.cancelButton(r.id), packStudent({ op: "cancel", id: r.id }));
  });
  return { text: lines.join("\n"), ...(cancellable.length > 0 ? { keyboard } : {}) };
}

/** The notice every admin gets about a new booking (HTML). */
export function formatNewBookingNotice(row: BookingRow, t: Texts): string {
  const discount = discountText(row.discountPercent, row.referralCode, t);
  return [
    t.notice.newBooking(row.id),
    `${displayName(t, row.firstName)} · ${displayUsername(t, row.username)} · id <code>${row.userId}</code>`,
    [courseTitle(row.courseId, row.courseName, t), streamTitle(row.courseStream, row.streamTitle, t), discount].filter(Boolean).join(" · "),
  ].join("\n");
}

/** Telegram's limit for one message. */
const MESSAGE_LIMIT = 4096;

/**
 * The answer to a booking, in one message when it fits: accepted (which course and stream, the
 * discount), what to do next, then how to pay and the payment details, each a paragraph (the
 * admins' templates, escaped). Templates too long to share one message go as messages of their
 * own, plain text as they were written.
 */
export function formatBookingAccepted(row: BookingRow, payment: Payment, t: Texts): Array<{ text: string; html: boolean }> {
  const head = [
    t.students.bookedLong(row.id, courseTitle(row.courseId, row.courseName, t), streamTitle(row.courseStream, row.streamTitle, t)),
    row.discountPercent ? t.students.bookedDiscount(escapeHtml(row.referralCode ?? ""), row.discountPercent) : undefined,
    payment.texts ? t.students.next : t.students.nextFree,
  ]
    .filter(Boolean)
    .join("\n");
  if (!payment.texts) return [{ text: head, html: true }];
  const one = [head, escapeHtml(payment.texts.instructions), escapeHtml(payment.texts.details)].join("\n\n");
  if (one.length <= MESSAGE_LIMIT) return [{ text: one, html: true }];
  return [
    { text: head, html: true },
    { text: payment.texts.instructions, html: false },
    { text: payment.texts.details, html: false },
  ];
}
