import { Composer } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import type { InlineKeyboardMarkup } from "grammy/types";
import { changeBookingStatus, isActionAllowed, type Actor, type ChangeResult } from "../../../bookings/change-status";
import { bookingHistory, unnamedAdmins } from "../../../bookings/history";
import { listBookingMessages } from "../../../db/queries/booking-history";
import { getBooking, type BookingRow } from "../../../db/queries/bookings";
import { listBookingEvents } from "../../../db/queries/events";
import { countProofs } from "../../../db/queries/payment-proofs";
import { findStudent, findUserNames } from "../../../db/queries/students";
import type { BookingStatus } from "../../../db/schema";
import { REASON_PREVIEW, packMessages, parseCard, type CardAction } from "../../callback-data";
import type { BotContext, Deps, Feature, InnerContext } from "../../context";
import { confirmedText } from "../../conversation-input";
import { editInPlace, enterConversation } from "../../edit";
import { cardKeyboard, confirmQuestion, formatCardMessage, type CardData } from "../../format/card";
import { escapeHtml, truncate } from "../../format/html";
import { statusText } from "../../format/values";
import type { Texts } from "../../i18n";
import { conversationPlugins } from "../../middleware";
import { parseBookingId } from "../../parse-args";
import { proofButtons } from "./proofs";

/** A card ready to send: plain data, so a conversation can keep it between replays. */
type CardMessage = { text: string; reply_markup: InlineKeyboardMarkup; userId?: number; toast?: string };

const CANCEL_REASON = "cancel-reason";
const MAX_REASON = 500;
const REASON_TIMEOUT_MS = 15 * 60_000;

/** The card's data; `row` when the caller has just read the booking (a status change returns it). */
async function loadCard(deps: Deps, id: number, row?: BookingRow): Promise<CardData | undefined> {
  const booking = row ?? (await getBooking(deps.db, id));
  if (!booking) return undefined;
  const [student, events, messages, proofs] = await Promise.all([
    findStudent(deps.db, { userId: booking.userId }),
    listBookingEvents(deps.db, id),
    listBookingMessages(deps.db, id),
    countProofs(deps.db, id),
  ]);
  const history = bookingHistory(events);
  const unnamed = unnamedAdmins(history);
  const adminNames = unnamed.length > 0 ? await findUserNames(deps.db, unnamed) : new Map<number, string>();
  return { row: booking, student, history, adminNames, messages, proofs };
}

function cardMessage(deps: Deps, card: CardData, t: Texts, notice?: string, toast?: string): CardMessage {
  return {
    text: formatCardMessage(card, deps.config.timeZone, t, notice),
    reply_markup: { inline_keyboard: cardKeyboard(card.row, t, card.proofs).inline_keyboard },
    userId: card.row.userId,
    ...(toast ? { toast } : {}),
  };
}

function outcomeNotice(result: Exclude<ChangeResult, { kind: "not-found" }>, t: Texts): { notice: string; toast: string } {
  const now = statusText(result.booking.confirmed, t);
  switch (result.kind) {
    case "changed":
      return { notice: t.card.changed(statusText(result.from, t), now, result.notified), toast: t.done };
    case "stale":
      return { notice: t.card.stale(now), toast: t.card.staleShort };
    case "not-allowed":
      return { notice: t.card.notAllowed(now), toast: t.card.notAllowedShort };
  }
}

/**
 * Performs an admin's action and returns the fresh card with what happened on top. The change
 * is guarded on the status the admin saw, so nothing is read before it, and the booking it
 * returns is the card's: the card is loaded once.
 */
async function actOnBooking(
  deps: Deps,
  request: { id: number; action: CardAction; seen: BookingStatus; actor: Actor; reason?: string | null },
  t: Texts,
): Promise<CardMessage | undefined> {
  const result = await changeBookingStatus(deps.db, {
    bookingId: request.id,
    action: request.action,
    seen: request.seen,
    actor: request.actor,
    reason: request.reason ?? null,
    timeZone: deps.config.timeZone,
  });
  if (result.kind === "not-found") return undefined;
  deps.logger.info(
    { booking_id: request.id, action: request.action, outcome: result.kind, admin_id: request.actor.id, from: request.seen, to: result.booking.confirmed },
    "status change requested",
  );
  const card = await loadCard(deps, request.id, result.booking);
  if (!card) return undefined;
  const { notice, toast } = outcomeNotice(result, t);
  return cardMessage(deps, card, t, notice, toast);
}

const actorOf = (ctx: InnerContext): Actor => ({ id: ctx.from!.id, name: ctx.from!.first_name, role: "admin" });

/** In an admin's private chat the card also offers "✉️ Write" (the group has no conversations). */
const withWrite = (ctx: InnerContext, card: CardMessage): InlineKeyboardMarkup =>
  ctx.chat?.type === "private" && card.userId !== undefined
    ? { inline_keyboard: [...card.reply_markup.inline_keyboard, [{ text: ctx.t.people.write, callback_data: packMessages({ op: "write", userId: card.userId }) }]] }
    : card.reply_markup;

/** Puts a card in place of the pressed message. */
const editToCard = (ctx: InnerContext, card: CardMessage) => editInPlace(ctx, card.text, { parse_mode: "HTML", reply_markup: withWrite(ctx, card) });

/**
 * "Cancel with a reason": asks for the reason, shows it back with one confirmation button,
 * then cancels. Other buttons and commands keep working meanwhile; /cancel leaves.
 */
function cancelReasonConversation(deps: Deps) {
  async function cancelWithReason(conversation: Conversation<BotContext, InnerContext>, ctx: InnerContext, bookingId: number, seen: BookingStatus) {
    const t = ctx.t;
    const clean = (text: string) => truncate(text.trim(), MAX_REASON);
    const answer = await confirmedText(conversation, ctx, {
      prompt: t.card.askReason(bookingId),
      timeoutMs: REASON_TIMEOUT_MS,
      buttons: REASON_PREVIEW,
      preview: (text) => ({ text: t.card.confirmReason(bookingId, escapeHtml(clean(text))), html: true, confirm: t.card.yes.cancel, drop: t.card.keepIt }),
      left: t.card.keptIt,
      dropReplacesPreview: true,
    });
    if (!answer) return;
    const press = answer.ctx;
    const reason = clean(answer.text);
    const card = await conversation.external(() => actOnBooking(deps, { id: bookingId, action: "cancel", seen, actor: actorOf(press), reason }, t));
    if (!card) return press.answerCallbackQuery({ text: t.card.notFound(bookingId), show_alert: true });
    await press.editMessageText(card.text, { parse_mode: "HTML", reply_markup: withWrite(press, card) });
    return press.answerCallbackQuery({ text: card.toast });
  }
  return createConversation(cancelWithReason, { id: CANCEL_REASON, plugins: conversationPlugins(deps) });
}

/**
 * `/booking 123` and the `/b123` links — one booking's card with its history (both bots'
 * events), message deliveries and the actions its status allows. Every action asks for one
 * more press; "cancel" may take a reason, typed in a conversation.
 */
export function bookingFeature(deps: Deps): Feature {
  const feature = new Composer<BotContext>();

  async function showCard(ctx: BotContext, arg: string) {
    const id = parseBookingId(arg);
    if (id === undefined) return ctx.reply(ctx.t.card.usage);
    const card = await loadCard(deps, id);
    if (!card) return ctx.reply(ctx.t.card.notFound(id));
    const message = cardMessage(deps, card, ctx.t);
    await ctx.reply(message.text, { parse_mode: "HTML", reply_markup: withWrite(ctx, message) });
  }

  feature.command("booking", (ctx) => showCard(ctx, ctx.match));
  feature.hears(/^\/b(\d{1,10})(?:@\w+)?$/, (ctx) => showCard(ctx, ctx.match[1]!));
  // The buttons of a digest of new bookings in the group: t.me/<bot>?start=b123 opens the card here.
  feature.command("start", (ctx, next) => {
    const link = /^b(\d{1,10})$/.exec(ctx.match.trim());
    return link ? showCard(ctx, link[1]!) : next();
  });

  feature.callbackQuery(/^c:/, async (ctx) => {
    const data = parseCard(ctx.callbackQuery.data);
    if (!data) return ctx.answerCallbackQuery({ text: ctx.t.staleButton });
    if (data.op === "do") {
      const done = await actOnBooking(deps, { ...data, actor: actorOf(ctx) }, ctx.t);
      if (!done) return ctx.answerCallbackQuery({ text: ctx.t.card.notFound(data.id), show_alert: true });
      await editToCard(ctx, done);
      // Anything but "done" explains itself: the card changed meanwhile or the action does not apply.
      return ctx.answerCallbackQuery({ text: done.toast, ...(done.toast === ctx.t.done ? {} : { show_alert: true }) });
    }
    const card = await loadCard(deps, data.id);
    if (!card) return ctx.answerCallbackQuery({ text: ctx.t.card.notFound(data.id), show_alert: true });
    if (data.op === "show") {
      await editToCard(ctx, cardMessage(deps, card, ctx.t));
      return ctx.answerCallbackQuery();
    }
    // A question on a card that changed since it was drawn: show what it is now.
    if (card.row.confirmed !== data.seen || ("action" in data && !isActionAllowed(data.action, data.seen))) {
      await editToCard(ctx, cardMessage(deps, card, ctx.t, ctx.t.card.staleLook));
      return ctx.answerCallbackQuery({ text: ctx.t.card.staleShort, show_alert: true });
    }
    if (data.op === "ask") {
      const question = confirmQuestion(data.action, card.row, ctx.t);
      await editInPlace(ctx, question.text, { parse_mode: "HTML", reply_markup: question.keyboard });
      return ctx.answerCallbackQuery();
    }
    await editToCard(ctx, cardMessage(deps, card, ctx.t));
    await ctx.answerCallbackQuery();
    return enterConversation(ctx, CANCEL_REASON, data.id, data.seen);
  });
  feature.use(proofButtons(deps));
  return { conversations: [cancelReasonConversation(deps)], composer: feature };
}
