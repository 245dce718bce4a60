import { InlineKeyboard } from "grammy";
import type { BookingEventRow, BookingMessageRow } from "../../db/queries/booking-history";
import type { BookingRow } from "../../db/queries/bookings";
import type { Student } from "../../db/queries/students";
import type { BookingStatus } from "../../db/schema";
import { packCard, type CardAction } from "../callback-data";
import { ru, type Texts } from "../i18n";
import { formatBookingCard } from "./booking";
import { STATUS_BADGE, displayName, formatDateTime, safe, statusText } from "./values";

export type CardData = {
  row: BookingRow;
  student?: Student;
  events: BookingEventRow[];
  messages: BookingMessageRow[];
};

const badge = (status: number | null) => (status === null ? "∅" : (STATUS_BADGE[status as BookingStatus] ?? String(status)));

function historyLines(events: BookingEventRow[], timeZone: string, t: Texts): string[] {
  return [...events].reverse().map((e) => {
    const who = e.actorRole === "admin" ? t.card.byAdmin(displayName(e.actorName)) : t.card.byStudent;
    const reason = e.reason ? ` · «${safe(e.reason, 200)}»` : "";
    return `${formatDateTime(e.createdAt, timeZone)} · ${badge(e.fromStatus)} → ${badge(e.toStatus)} · ${who}${reason}`;
  });
}

function messageLines(messages: BookingMessageRow[], timeZone: string, t: Texts): string[] {
  return [...messages].reverse().map((m) => {
    const kind = t.card.kind[m.kind] ?? m.kind;
    if (m.status === "sent") return t.card.sent(kind, formatDateTime(m.sentAt ?? m.createdAt, timeZone));
    if (m.status === "failed") return t.card.failed(kind, safe(m.lastError ?? t.card.unknownError, 200));
    return t.card.queued(kind, m.attempts);
  });
}

/** The card with its history and the delivery state of every message about it. */
export function formatCardMessage(card: CardData, timeZone: string, notice?: string, t: Texts = ru): string {
  const parts = [formatBookingCard(card.row, card.student, timeZone, t)];
  if (card.events.length > 0) parts.push([t.card.history, ...historyLines(card.events, timeZone, t)].join("\n"));
  if (card.messages.length > 0) parts.push([t.card.messages, ...messageLines(card.messages, timeZone, t)].join("\n"));
  if (notice) parts.unshift(notice);
  return parts.join("\n\n");
}

/** The actions that make sense for the booking's status, and a refresh. */
export function cardKeyboard(row: BookingRow, t: Texts = ru): InlineKeyboard {
  const seen = row.confirmed;
  const actions: CardAction[] =
    seen === 0 ? ["confirm", "pending", "cancel"] : seen === 1 ? ["confirm", "cancel"] : seen === 2 ? ["cancel"] : ["restore"];
  const keyboard = new InlineKeyboard();
  for (const action of actions) keyboard.text(t.card.action[action], packCard({ op: "ask", action, id: row.id, seen }));
  return keyboard.row().text(t.list.refresh, packCard({ op: "show", id: row.id }));
}

/** The one confirmation press every action asks for. */
export function confirmQuestion(action: CardAction, row: BookingRow, t: Texts = ru): { text: string; keyboard: InlineKeyboard } {
  const seen = row.confirmed;
  const keyboard = new InlineKeyboard();
  if (action === "cancel") {
    keyboard
      .text(t.card.cancelWithoutReason, packCard({ op: "do", action, id: row.id, seen }))
      .row()
      .text(t.card.giveReason, packCard({ op: "reason", id: row.id, seen }))
      .row();
  } else {
    keyboard.text(t.card.yes[action], packCard({ op: "do", action, id: row.id, seen }));
  }
  keyboard.text(t.card.back, packCard({ op: "show", id: row.id }));
  return { text: `${t.card.questionTitle(row.id, statusText(seen, t))}\n${t.card.question[action]}`, keyboard };
}
