import { Composer } from "grammy";
import { recordStudentMessage } from "../../../bookings/people";
import type { BotContext, Deps } from "../../context";
import { languageStore } from "../../language";
import { noticeTargets } from "../../notices";
import { incomingOf, relayTo } from "../../relays";

/**
 * Whatever else a student sends — a question, a photo outside a payment, a voice message, a
 * sticker — reaches the admins (the group, or each admin) under a header: who, and their live
 * booking, with buttons to answer and to open the student. It is kept in the student's thread,
 * and with a live booking the real bot's event is written; a text is no payment and moves no
 * status. Messages that follow within a couple of minutes only add to a count on that relay,
 * and the student is told once that the message was passed on, not after every message.
 */
export function studentMessages(deps: Deps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const languages = languageStore(deps.db);
  feature.on("message", async (ctx) => {
    const t = ctx.t;
    // An unknown command is no message for the admins.
    if (ctx.message.text?.startsWith("/")) return ctx.reply(deps.config.studentBooking ? t.students.hint : t.students.hintNoBooking);
    const targets = await noticeTargets(deps.config, languages);
    const incoming = incomingOf(ctx.message);
    const student = { id: ctx.from.id, username: ctx.from.username, firstName: ctx.from.first_name, lastName: ctx.from.last_name };
    const result = await recordStudentMessage(deps.db, {
      student,
      message: incoming,
      chats: targets.map((target) => target.chatId),
      relay: (chatId, booking, id) => relayTo(targets.find((target) => target.chatId === chatId)!, student, booking, incoming, id, ctx.me.username),
    });
    ctx.log.info({ kind: incoming.kind, relayed: result.relayed, booking_id: result.booking?.id }, "student's message for the admins");
    if (result.relayed) await ctx.reply(result.booking?.confirmed === 0 ? t.people.ackPay : t.people.ack);
  });
  return feature;
}
