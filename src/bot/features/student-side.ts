import { Composer, InlineKeyboard } from "grammy";
import { changeBookingStatus } from "../../bookings/change-status";
import {
  REFERRAL_PARAM,
  createStudentBooking,
  listOpenStreams,
  listOwnBookings,
  registerStudent,
  type StudentProfile,
} from "../../bookings/student-booking";
import { getBooking } from "../../db/queries/bookings";
import type { OutgoingMessage } from "../../delivery/outbox";
import { packCard, packStudent, parseStudent } from "../callback-data";
import type { BotContext, Deps } from "../context";
import { formatNewBookingNotice, formatOwnBookings, formatWelcome } from "../format/student";
import { escapeHtml } from "../format/html";
import { courseTitle, streamTitle } from "../format/values";
import { texts } from "../texts";

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
export function studentSide(deps: Deps) {
  const feature = new Composer<BotContext>();
  const { config } = deps;

  feature.command("start", async (ctx) => {
    const param = ctx.match.trim();
    const { referral } = await registerStudent(deps.db, profileOf(ctx), REFERRAL_PARAM.test(param) ? param : undefined);
    ctx.log.info({ referral: referral?.code, param: param || undefined }, "student started the bot");
    if (!config.studentBooking) return ctx.reply(texts.studentWelcomeNoBooking(ctx.from!.first_name));
    const welcome = formatWelcome(ctx.from!.first_name, await listOpenStreams(deps.db), referral, config.timeZone);
    await ctx.reply(welcome.text, { parse_mode: "HTML", reply_markup: welcome.keyboard });
  });

  feature.command(["bookings", "user", "booking", "templates", "broadcast", "stats", "export", "health"], (ctx) => ctx.reply(texts.notAdmin));
  feature.hears(/^\/[bu]\d+(@\w+)?$/, (ctx) => ctx.reply(texts.notAdmin));

  feature.callbackQuery(/^s:/, async (ctx) => {
    const data = parseStudent(ctx.callbackQuery.data);
    if (!data || !config.studentBooking) return ctx.answerCallbackQuery({ text: texts.staleButtonStudent });
    const student = profileOf(ctx);

    if (data.op === "book") {
      const result = await createStudentBooking(deps.db, {
        student,
        courseId: data.courseId,
        streamCode: data.stream,
        adminNotice: (row) => newBookingNotices(config.adminIds, row.id, formatNewBookingNotice(row)),
      });
      if (result.kind === "closed") return ctx.answerCallbackQuery({ text: texts.streamClosed, show_alert: true });
      if (result.kind === "duplicate") return ctx.answerCallbackQuery({ text: texts.alreadyBooked, show_alert: true });
      const row = result.booking;
      ctx.log.info({ booking_id: row.id, course_id: row.courseId, stream: row.courseStream }, "student booked");
      await ctx.answerCallbackQuery({ text: "Заявка принята" });
      return ctx.reply(
        [
          `✅ Заявка принята: ${courseTitle(row.courseId, row.courseName)}, ${streamTitle(row.courseStream, row.streamTitle)}.`,
          row.discountPercent ? `Скидка по промокоду ${escapeHtml(row.referralCode ?? "")}: ${row.discountPercent}%.` : undefined,
          "Что дальше: администратор проверит заявку и напишет вам об оплате. Статус — в «Мои заявки».",
        ]
          .filter(Boolean)
          .join("\n"),
        { parse_mode: "HTML", reply_markup: new InlineKeyboard().text("📋 Мои заявки", packStudent({ op: "mine" })) },
      );
    }

    if (data.op === "mine") {
      const own = formatOwnBookings(await listOwnBookings(deps.db, student.id), config.timeZone);
      await ctx.answerCallbackQuery();
      return ctx.reply(own.text, { parse_mode: "HTML", ...(own.keyboard ? { reply_markup: own.keyboard } : {}) });
    }

    const booking = await getBooking(deps.db, data.id);
    // Someone else's booking (forged data) looks exactly like a missing one.
    if (!booking || booking.userId !== student.id) return ctx.answerCallbackQuery({ text: texts.staleButtonStudent });
    if (booking.confirmed !== 0 && booking.confirmed !== 1) {
      return ctx.answerCallbackQuery({ text: texts.cannotCancelStudent, show_alert: true });
    }
    if (data.op === "cancel") {
      await ctx.answerCallbackQuery();
      return ctx.reply(`Отменить заявку #${booking.id} (${courseTitle(booking.courseId, booking.courseName)}, ${streamTitle(booking.courseStream, booking.streamTitle)})?`, {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard().text("Да, отменить", packStudent({ op: "cancel-yes", id: booking.id })),
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
    await ctx.answerCallbackQuery();
    if (result.kind !== "changed") return ctx.editMessageText(texts.cannotCancelStudent);
    await ctx.editMessageText(`Заявка #${booking.id} отменена.`);
  });

  feature.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: texts.notAdminButton }));
  feature.on("message", (ctx) => ctx.reply(config.studentBooking ? texts.studentHint : texts.studentHintNoBooking));
  return feature;
}

/** One notice per admin about a new booking, with a button that opens its card. */
export function newBookingNotices(adminIds: readonly number[], bookingId: number, text: string): OutgoingMessage[] {
  const keyboard = new InlineKeyboard().text(`Открыть заявку #${bookingId}`, packCard({ op: "show", id: bookingId }));
  return adminIds.map((adminId) => ({
    dedupeKey: `booking:${bookingId}:new:${adminId}`,
    kind: "admin_notice" as const,
    chatId: adminId,
    text,
    parseMode: "HTML" as const,
    replyMarkup: { inline_keyboard: keyboard.inline_keyboard },
    bookingId,
  }));
}
