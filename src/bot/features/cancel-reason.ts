import { InlineKeyboard } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import type { BookingStatus } from "../../db/schema";
import { actOnBooking } from "../card-view";
import type { BotContext, Deps, InnerContext } from "../context";
import { escapeHtml, truncate } from "../format/html";
import { conversationPlugins } from "../middleware";

export const CANCEL_REASON = "cancel-reason";
const MAX_REASON = 500;
const ANSWER_TIMEOUT_MS = 15 * 60_000;

/**
 * "Cancel with a reason": asks for the reason, shows it back with one confirmation button,
 * then cancels. Other buttons and commands keep working meanwhile; /cancel leaves.
 */
export function cancelReasonConversation(deps: Deps) {
  async function cancelWithReason(
    conversation: Conversation<BotContext, InnerContext>,
    ctx: InnerContext,
    bookingId: number,
    seen: BookingStatus,
  ) {
    const t = ctx.t;
    await ctx.reply(t.card.askReason(bookingId));
    let reason: string | undefined;
    let question: { message_id: number } | undefined;
    for (;;) {
      const update = await conversation.wait({ maxMilliseconds: ANSWER_TIMEOUT_MS });
      const text = update.message?.text?.trim();
      const data = update.callbackQuery?.data;
      if (text !== undefined && /^\/cancel(@\w+)?$/.test(text)) return update.reply(t.card.keptIt);
      if (text?.startsWith("/")) await conversation.halt({ next: true });
      if (text !== undefined) {
        reason = truncate(text, MAX_REASON);
        question = await update.reply(
          t.card.confirmReason(bookingId, escapeHtml(reason)),
          {
            parse_mode: "HTML",
            reply_markup: new InlineKeyboard().text(t.card.yes.cancel, "cr:y").text(t.card.keepIt, "cr:n"),
          },
        );
        continue;
      }
      const onQuestion = question && update.callbackQuery?.message?.message_id === question.message_id;
      if (!onQuestion || (data !== "cr:y" && data !== "cr:n")) await conversation.skip({ next: true });
      if (data === "cr:n") {
        await update.editMessageText(t.card.keptIt);
        return update.answerCallbackQuery();
      }
      const actor = { id: update.from!.id, name: update.from!.first_name, role: "admin" as const };
      const card = await conversation.external(() => actOnBooking(deps, { id: bookingId, action: "cancel", seen, actor, reason }, t));
      if (!card) return update.answerCallbackQuery({ text: t.card.notFound(bookingId), show_alert: true });
      await update.editMessageText(card.text, { parse_mode: "HTML", reply_markup: card.reply_markup });
      return update.answerCallbackQuery({ text: card.toast });
    }
  }
  return createConversation(cancelWithReason, { id: CANCEL_REASON, plugins: conversationPlugins(deps) });
}
