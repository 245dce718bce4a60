import { Composer, InlineKeyboard } from "grammy";
import { changeBookingStatus } from "../../../bookings/change-status";
import { createStudentBooking, registerStudent, type StudentProfile } from "../../../bookings/student-booking";
import { listOpenStreams, listOwnBookings } from "../../../db/queries/student-bookings";
import { getBooking } from "../../../db/queries/bookings";
import { packStudent, parseStudent } from "../../callback-data";
import type { BotContext, Deps, Feature } from "../../context";
import { languageStore } from "../../language";
import { newBookingNotices, noticeTargets } from "../../notices";
import { formatBookingAccepted, formatOwnBookings, formatWelcome } from "../../format/student";
import { studentMessages } from "./messages";
import { studentPaymentProofs } from "./proofs";
import type { Payment } from "../../../bookings/payment-instructions";
import type { BookingRow } from "../../../db/queries/bookings";
import type { OutgoingMessage } from "../../../db/queries/outbox";
import type { Texts } from "../../i18n";
import { courseTitle, streamTitle } from "../../format/values";

/** The student's answer to a booking, as outbox rows at the priority of a reply to a person who just acted. */
function bookingAccepted(row: BookingRow, payment: Payment, t: Texts): OutgoingMessage[] {
  const parts = formatBookingAccepted(row, payment, t);
  return parts.map((part, i) => ({
    dedupeKey: `booking:${row.id}:accepted${i === 0 ? "" : `:${i + 1}`}`,
    kind: "booking_accepted" as const,
    chatId: row.userId,
    text: part.text,
    ...(part.html ? { parseMode: "HTML" as const } : {}),
    // "My bookings" under the last part: where the status shows.
    ...(i === parts.length - 1 ? { replyMarkup: { inline_keyboard: new InlineKeyboard().text(t.students.mine, packStudent({ op: "mine" })).inline_keyboard } } : {}),
    bookingId: row.id,
  }));
}

const profileOf = (ctx: BotContext): StudentProfile => ({
  id: ctx.from!.id,
  username: ctx.from!.username,
  firstName: ctx.from!.first_name,
  lastName: ctx.from!.last_name,
  languageCode: ctx.from!.language_code,
});

/**
 * Everyone who is not an admin: `/start [referral]` records them (so the bot can message them),
 * and, when STUDENT_BOOKING is on, offers the open streams, "my bookings", and cancelling a
 * booking that is not confirmed yet. Admin commands and buttons are refused without a query.
 */
export function studentsFeature(deps: Deps, adminCommands: readonly string[]): Feature {
  const feature = new Composer<BotContext>();
  const { config } = deps;
  const languages = languageStore(deps.db);

  feature.command("start", async (ctx) => {
    const param = ctx.match.trim();
    const { coupon } = await registerStudent(deps.db, profileOf(ctx), param);
    ctx.log.info({ coupon: coupon?.code, coupon_check: coupon?.kind, param: param || undefined }, "student started the bot");
    if (!config.studentBooking) return ctx.reply(ctx.t.students.welcomeNoBooking(ctx.from!.first_name));
    const welcome = formatWelcome(ctx.from!.first_name, await listOpenStreams(deps.db), coupon, config.timeZone, ctx.t);
    await ctx.reply(welcome.text, { parse_mode: "HTML", reply_markup: welcome.keyboard });
  });

  // The admins' commands, refused without a query; /help is the students' own (the hint below).
  feature.command(
    adminCommands.filter((c) => c !== "help"),
    (ctx) => ctx.reply(ctx.t.notAdmin),
  );
  feature.hears(/^\/[bu]\d+(@\w+)?$/, (ctx) => ctx.reply(ctx.t.notAdmin));

  feature.callbackQuery(/^s:/, async (ctx) => {
    const data = parseStudent(ctx.callbackQuery.data);
    const t = ctx.t;
    if (!data || !config.studentBooking) return ctx.answerCallbackQuery({ text: t.students.staleButton });
    const student = profileOf(ctx);

    if (data.op === "book") {
      // The admin group, or each admin in their own language.
      const targets = await noticeTargets(config, languages);
      const result = await createStudentBooking(deps.db, {
        student,
        courseId: data.courseId,
        streamCode: data.stream,
        timeZone: config.timeZone,
        studentMessages: (row, payment) => bookingAccepted(row, payment, t),
        adminNotice: (row) => newBookingNotices(targets, row),
      });
      if (result.kind === "closed") return ctx.answerCallbackQuery({ text: t.students.streamClosed, show_alert: true });
      if (result.kind === "duplicate") return ctx.answerCallbackQuery({ text: t.students.alreadyBooked, show_alert: true });
      const row = result.booking;
      ctx.log.info({ booking_id: row.id, course_id: row.courseId, stream: row.courseStream }, "student booked");
      // The answer itself is in the outbox, queued with the booking: it arrives even if this
      // process stops right now, and exactly once.
      return ctx.answerCallbackQuery({ text: t.students.booked });
    }

    if (data.op === "mine") {
      const own = formatOwnBookings(await listOwnBookings(deps.db, student.id), config.timeZone, t);
      await ctx.answerCallbackQuery();
      return ctx.reply(own.text, { parse_mode: "HTML", ...(own.keyboard ? { reply_markup: own.keyboard } : {}) });
    }

    const booking = await getBooking(deps.db, data.id);
    // Someone else's booking (forged data) looks exactly like a missing one.
    if (!booking || booking.userId !== student.id) return ctx.answerCallbackQuery({ text: t.students.staleButton });
    if (booking.confirmed !== 0 && booking.confirmed !== 1) {
      return ctx.answerCallbackQuery({ text: t.students.cannotCancel, show_alert: true });
    }
    if (data.op === "cancel") {
      await ctx.answerCallbackQuery();
      return ctx.reply(t.students.askCancel(booking.id, courseTitle(booking.courseId, booking.courseName, t), streamTitle(booking.courseStream, booking.streamTitle, t)), {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard().text(t.students.yesCancel, packStudent({ op: "cancel-yes", id: booking.id })),
      });
    }
    const result = await changeBookingStatus(deps.db, {
      bookingId: booking.id,
      action: "cancel",
      seen: booking.confirmed,
      actor: { id: student.id, name: student.firstName, role: "student" },
      timeZone: config.timeZone,
      notifyStudent: false,
    });
    ctx.log.info({ booking_id: booking.id, action: "cancel", outcome: result.kind, student_id: student.id, from: booking.confirmed }, "status change requested");
    await ctx.answerCallbackQuery();
    if (result.kind !== "changed") return ctx.editMessageText(t.students.cannotCancel);
    await ctx.editMessageText(t.students.cancelledOwn(booking.id));
  });

  if (config.studentBooking) feature.use(studentPaymentProofs(deps));
  feature.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t.notAdminButton }));
  feature.use(studentMessages(deps));
  return { composer: feature };
}
