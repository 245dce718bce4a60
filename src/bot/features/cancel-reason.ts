import { InlineKeyboard } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import type { BookingStatus } from "../../db/schema";
import { actOnBooking } from "../card-view";
import type { BotContext, Deps, InnerContext } from "../context";
import { escapeHtml, truncate } from "../format/html";
import { nextInput } from "../conversation-input";
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
      const input = await nextInput(conversation, { timeoutMs: ANSWER_TIMEOUT_MS, on: question, choices: ["cr:y", "cr:n"] });
      const update = input.ctx;
      if (input.kind === "cancel") return update.reply(t.card.keptIt);
      if (input.kind === "text") {
        reason = truncate(input.text.trim(), MAX_REASON);
        question = await update.reply(t.card.confirmReason(bookingId, escapeHtml(reason)), {
          parse_mode: "HTML",
          reply_markup: new InlineKeyboard().text(t.card.yes.cancel, "cr:y").text(t.card.keepIt, "cr:n"),
        });
        continue;
      }
      if (input.data === "cr:n") {
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
