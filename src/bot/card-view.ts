import type { InlineKeyboardMarkup } from "grammy/types";
import { changeBookingStatus, type Actor, type ChangeResult } from "../bookings/change-status";
import { bookingHistory, unnamedAdmins } from "../bookings/history";
import { listBookingMessages } from "../db/queries/booking-history";
import { getBooking } from "../db/queries/bookings";
import { listBookingEvents } from "../db/queries/events";
import { findStudent, findUserNames } from "../db/queries/students";
import type { BookingStatus } from "../db/schema";
import type { CardAction } from "./callback-data";
import type { Deps } from "./context";
import { cardKeyboard, formatCardMessage, type CardData } from "./format/card";
import { statusText } from "./format/values";
import type { Texts } from "./i18n";

/** A card ready to send: plain data, so a conversation can keep it between replays. */
export type CardMessage = { text: string; reply_markup: InlineKeyboardMarkup; toast?: string };

export async function loadCard(deps: Deps, id: number): Promise<CardData | undefined> {
  const row = await getBooking(deps.db, id);
  if (!row) return undefined;
  const [student, events, messages] = await Promise.all([
    findStudent(deps.db, { userId: row.userId }),
    listBookingEvents(deps.db, id),
    listBookingMessages(deps.db, id),
  ]);
  const history = bookingHistory(events);
  const unnamed = unnamedAdmins(history);
  const adminNames = unnamed.length > 0 ? await findUserNames(deps.db, unnamed) : new Map<number, string>();
  return { row, student, history, adminNames, messages };
}

export function cardMessage(deps: Deps, card: CardData, t: Texts, notice?: string, toast?: string): CardMessage {
  return {
    text: formatCardMessage(card, deps.config.timeZone, notice, t),
    reply_markup: { inline_keyboard: cardKeyboard(card.row, t).inline_keyboard },
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

/** Performs an admin's action and returns the fresh card with what happened on top. */
export async function actOnBooking(
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
  const card = await loadCard(deps, request.id);
  if (!card) return undefined;
  const { notice, toast } = outcomeNotice(result, t);
  return cardMessage(deps, card, t, notice, toast);
}
