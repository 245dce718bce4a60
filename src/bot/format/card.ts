import { InlineKeyboard } from "grammy";
import type { HistoryActor, HistoryEntry } from "../../bookings/history";
import type { BookingMessageRow } from "../../db/queries/booking-history";
import type { BookingRow } from "../../db/queries/bookings";
import type { Student } from "../../db/queries/students";
import type { BookingStatus } from "../../db/schema";
import { packCard, packProof, type CardAction } from "../callback-data";
import type { Texts } from "../i18n";
import { formatBookingCard } from "./booking";
import { STATUS_BADGE, displayName, formatDateTime, safe, statusText } from "./values";

export type CardData = {
  row: BookingRow;
  student?: Student;
  /** Both bots' events about the booking, oldest first. */
  history: HistoryEntry[];
  /** Names of the admins the history knows only by id (the real bot's `approved_by`). */
  adminNames: ReadonlyMap<number, string>;
  messages: BookingMessageRow[];
  /** Payment proofs the student sent for it. */
  proofs?: number;
};

/** null: the booking was created; undefined: the event does not say what it was before. */
const badge = (status: number | null | undefined) =>
  status === null ? "∅" : status === undefined ? "?" : (STATUS_BADGE[status as BookingStatus] ?? String(status));

function actorText(actor: HistoryActor | undefined, adminNames: ReadonlyMap<number, string>, t: Texts): string | undefined {
  if (!actor) return undefined;
  if (actor.role === "student") return t.card.byStudent;
  const name = actor.name ?? (actor.id === undefined ? undefined : adminNames.get(actor.id));
  return t.card.byAdmin(name ? displayName(t, name) : actor.id === undefined ? "?" : `id ${actor.id}`);
}

function historyLines(card: CardData, timeZone: string, t: Texts): string[] {
  // The newest ten: a booking pushed back and forth should not push its messages off the card.
  return card.history.slice(-10).map((e) => {
    const reason = e.reason ? `«${safe(e.reason, 200)}»` : undefined;
    const date = e.at ? formatDateTime(e.at, timeZone) : "—";
    return [`${date} · ${badge(e.from)} → ${badge(e.to)}`, actorText(e.actor, card.adminNames, t), reason].filter(Boolean).join(" · ");
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
export function formatCardMessage(card: CardData, timeZone: string, t: Texts, notice?: string): string {
  const parts = [formatBookingCard(card.row, card.student, timeZone, t)];
  if (card.history.length > 0) parts.push([t.card.history, ...historyLines(card, timeZone, t)].join("\n"));
  if (card.messages.length > 0) parts.push([t.card.messages, ...messageLines(card.messages, timeZone, t)].join("\n"));
  if (notice) parts.unshift(notice);
  return parts.join("\n\n");
}

/** The actions that make sense for the booking's status, a refresh, and its payment proofs if any. */
export function cardKeyboard(row: BookingRow, t: Texts, proofs = 0): InlineKeyboard {
  const seen = row.confirmed;
  const actions: CardAction[] =
    seen === 0 ? ["confirm", "pending", "cancel"] : seen === 1 ? ["confirm", "cancel"] : seen === 2 ? ["cancel"] : ["restore"];
  const keyboard = new InlineKeyboard();
  for (const action of actions) keyboard.text(t.card.action[action], packCard({ op: "ask", action, id: row.id, seen }));
  keyboard.row().text(t.list.refresh, packCard({ op: "show", id: row.id }));
  return proofs > 0 ? keyboard.text(t.card.proof(proofs), packProof(row.id)) : keyboard;
}

/** The one confirmation press every action asks for. */
export function confirmQuestion(action: CardAction, row: BookingRow, t: Texts): { text: string; keyboard: InlineKeyboard } {
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
