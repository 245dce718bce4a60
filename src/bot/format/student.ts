import { InlineKeyboard } from "grammy";
import type { OpenStream, OwnBooking } from "../../bookings/student-booking";
import type { BookingRow } from "../../db/queries/bookings";
import { packStudent, parseStudent } from "../callback-data";
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

/** What /start shows a student: a greeting, their discount, and a button per open stream. */
export function formatWelcome(
  firstName: string,
  offers: OpenStream[],
  referral: { code: string; discountPercent: number } | undefined,
  timeZone: string,
): { text: string; keyboard: InlineKeyboard } {
  const lines = [`Здравствуйте, ${escapeHtml(firstName)}! 👋`];
  if (referral) lines.push(`Промокод <code>${escapeHtml(referral.code)}</code>: скидка ${referral.discountPercent}% к заявке.`);
  const keyboard = new InlineKeyboard();
  if (offers.length === 0) {
    lines.push("Сейчас набора нет — мы напишем, когда он откроется.");
  } else {
    lines.push("Выберите курс и поток, чтобы оставить заявку:");
    for (const o of offers) {
      const data = packStudent({ op: "book", courseId: o.courseId, stream: o.streamCode });
      // A stream code that cannot ride in a button (non-ASCII, too long) is not offered.
      if (!parseStudent(data) || Buffer.byteLength(data) > 64) continue;
      const start = o.startsAt ? ` · старт ${formatDateTime(o.startsAt, timeZone).slice(0, 5)}` : "";
      const label = `${o.courseName ?? `Курс #${o.courseId}`} · ${streamName(o.streamCode, o.streamTitle)}${start}`;
      keyboard.text(truncate(label, 60), data).row();
    }
  }
  keyboard.text("📋 Мои заявки", packStudent({ op: "mine" }));
  return { text: lines.join("\n"), keyboard };
}


/** The student's own bookings, with a cancel button for those not confirmed yet. */
export function formatOwnBookings(rows: OwnBooking[], timeZone: string): { text: string; keyboard?: InlineKeyboard } {
  if (rows.length === 0) return { text: "У вас пока нет заявок. Записаться: /start" };
  const keyboard = new InlineKeyboard();
  const cancellable = rows.filter((r) => r.confirmed === 0 || r.confirmed === 1);
  const lines = ["<b>Ваши заявки</b>"];
  for (const r of rows) {
    lines.push(
      `${statusText(r.confirmed)} · ${courseTitle(r.courseId, r.courseName)}, ${streamTitle(r.courseStream, r.streamTitle)} · от ${formatDateTime(r.createdAt, timeZone)}`,
    );
  }
  cancellable.forEach((r, i) => {
    if (i > 0) keyboard.row();
    keyboard.text(`Отменить заявку #${r.id}`, packStudent({ op: "cancel", id: r.id }));
  });
  return { text: lines.join("\n"), ...(cancellable.length > 0 ? { keyboard } : {}) };
}

/** The notice every admin gets about a new booking (HTML). */
export function formatNewBookingNotice(row: BookingRow): string {
  const discount = discountText(row.discountPercent, row.referralCode);
  return [
    `🆕 <b>Новая заявка #${row.id}</b>`,
    `${displayName(row.firstName)} · ${displayUsername(row.username)} · id <code>${row.userId}</code>`,
    [courseTitle(row.courseId, row.courseName), streamTitle(row.courseStream, row.streamTitle), discount].filter(Boolean).join(" · "),
  ].join("\n");
}
