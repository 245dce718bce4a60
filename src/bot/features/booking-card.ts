import { Composer } from "grammy";
import { isActionAllowed } from "../../bookings/change-status";
import { parseCard } from "../callback-data";
import { actOnBooking, cardMessage, loadCard, type CardMessage } from "../card-view";
import type { BotContext, Deps, InnerContext } from "../context";
import { editInPlace, enterConversation } from "../edit";
import { confirmQuestion } from "../format/card";
import { parseBookingId } from "../parse-args";
import { CANCEL_REASON } from "./cancel-reason";

const actorOf = (ctx: InnerContext) => ({ id: ctx.from!.id, name: ctx.from!.first_name, role: "admin" as const });

/** Puts a card in place of the pressed message. */
const editToCard = (ctx: InnerContext, card: CardMessage) =>
  editInPlace(ctx, card.text, { parse_mode: "HTML", reply_markup: card.reply_markup });

/**
 * `/booking 123` and the `/b123` links — one booking's card with its history, message
 * deliveries and the actions its status allows. Every action asks for one more press.
 */
export function bookingCardFeature(deps: Deps) {
  const feature = new Composer<BotContext>();

  async function showCard(ctx: BotContext, arg: string) {
    const id = parseBookingId(arg);
    if (id === undefined) return ctx.reply(ctx.t.card.usage);
    const card = await loadCard(deps, id);
    if (!card) return ctx.reply(ctx.t.card.notFound(id));
    const message = cardMessage(deps, card, ctx.t);
    await ctx.reply(message.text, { parse_mode: "HTML", reply_markup: message.reply_markup });
  }

  feature.command("booking", (ctx) => showCard(ctx, ctx.match));
  feature.hears(/^\/b(\d{1,10})(?:@\w+)?$/, (ctx) => showCard(ctx, ctx.match[1]!));

  feature.callbackQuery(/^c:/, async (ctx) => {
    const data = parseCard(ctx.callbackQuery.data);
    if (!data) return ctx.answerCallbackQuery({ text: ctx.t.staleButton });
    const card = await loadCard(deps, data.id);
    if (!card) {
      await ctx.answerCallbackQuery({ text: ctx.t.card.notFound(data.id), show_alert: true });
      return;
    }
    if (data.op === "show") {
      await editToCard(ctx, cardMessage(deps, card, ctx.t));
      return ctx.answerCallbackQuery();
    }
    // A question or an action on a card that changed since it was drawn: show what it is now.
    if (card.row.confirmed !== data.seen || ("action" in data && !isActionAllowed(data.action, data.seen))) {
      const result = data.op === "do" ? await actOnBooking(deps, { ...data, actor: actorOf(ctx) }, ctx.t) : undefined;
      const fresh = result ?? cardMessage(deps, card, ctx.t, ctx.t.card.staleLook, ctx.t.card.staleShort);
      await editToCard(ctx, fresh);
      return ctx.answerCallbackQuery({ text: fresh.toast, show_alert: true });
    }
    if (data.op === "ask") {
      const question = confirmQuestion(data.action, card.row, ctx.t);
      await editInPlace(ctx, question.text, { parse_mode: "HTML", reply_markup: question.keyboard });
      return ctx.answerCallbackQuery();
    }
    if (data.op === "reason") {
      await editToCard(ctx, cardMessage(deps, card, ctx.t));
      await ctx.answerCallbackQuery();
      return enterConversation(ctx, CANCEL_REASON, data.id, data.seen);
    }
    const done = await actOnBooking(deps, { ...data, actor: actorOf(ctx) }, ctx.t);
    if (!done) return ctx.answerCallbackQuery({ text: ctx.t.card.notFound(data.id), show_alert: true });
    await editToCard(ctx, done);
    await ctx.answerCallbackQuery({ text: done.toast });
  });
  return feature;
}
