import { InlineKeyboard } from "grammy";
import type { BookingEventRow, BookingMessageRow } from "../../db/queries/booking-history";
import type { BookingRow } from "../../db/queries/bookings";
import type { Student } from "../../db/queries/students";
import type { BookingStatus } from "../../db/schema";
import { packCard, type CardAction } from "../callback-data";
import { formatBookingCard } from "./booking";
import { STATUS_BADGE, displayName, formatDateTime, safe, statusText } from "./values";

export type CardData = {
  row: BookingRow;
  student?: Student;
  events: BookingEventRow[];
  messages: BookingMessageRow[];
};

const MESSAGE_KIND: Record<string, string> = {
  confirmation: "Подтверждение",
  cancellation: "Отмена",
  reminder: "Напоминание",
};

const badge = (status: number | null) => (status === null ? "∅" : (STATUS_BADGE[status as BookingStatus] ?? String(status)));

function historyLines(events: BookingEventRow[], timeZone: string): string[] {
  return [...events].reverse().map((e) => {
    const who = e.actorRole === "admin" ? `${displayName(e.actorName)} (админ)` : "студент";
    const reason = e.reason ? ` · «${safe(e.reason, 200)}»` : "";
    return `${formatDateTime(e.createdAt, timeZone)} · ${badge(e.fromStatus)} → ${badge(e.toStatus)} · ${who}${reason}`;
  });
}

function messageLines(messages: BookingMessageRow[], timeZone: string): string[] {
  return [...messages].reverse().map((m) => {
    const kind = MESSAGE_KIND[m.kind] ?? m.kind;
    if (m.status === "sent") return `✅ ${kind} · отправлено ${formatDateTime(m.sentAt ?? m.createdAt, timeZone)}`;
    if (m.status === "failed") return `❌ ${kind} · не доставлено: ${safe(m.lastError ?? "причина неизвестна", 200)}`;
    return `⏳ ${kind} · в очереди${m.attempts > 0 ? ` (попыток: ${m.attempts})` : ""}`;
  });
}

/** The card with its history and the delivery state of every message about it. */
export function formatCardMessage(card: CardData, timeZone: string, notice?: string): string {
  const parts = [formatBookingCard(card.row, card.student, timeZone)];
  if (card.events.length > 0) parts.push(["<b>История</b>", ...historyLines(card.events, timeZone)].join("\n"));
  if (card.messages.length > 0) parts.push(["<b>Сообщения студенту</b>", ...messageLines(card.messages, timeZone)].join("\n"));
  if (notice) parts.unshift(notice);
  return parts.join("\n\n");
}

const ACTION_BUTTON: Record<CardAction, string> = {
  confirm: "🟢 Подтвердить",
  pending: "🟡 В ожидание",
  cancel: "🔴 Отменить",
  restore: "↩️ Восстановить",
};

/** The actions that make sense for the booking's status, and a refresh. */
export function cardKeyboard(row: BookingRow): InlineKeyboard {
  const seen = row.confirmed;
  const actions: CardAction[] =
    seen === 0 ? ["confirm", "pending", "cancel"] : seen === 1 ? ["confirm", "cancel"] : seen === 2 ? ["cancel"] : ["restore"];
  const keyboard = new InlineKeyboard();
  for (const action of actions) keyboard.text(ACTION_BUTTON[action], packCard({ op: "ask", action, id: row.id, seen }));
  return keyboard.row().text("↻ Обновить", packCard({ op: "show", id: row.id }));
}

const QUESTION: Record<CardAction, string> = {
  confirm: "Подтвердить заявку? Студент получит сообщение о подтверждении.",
  pending: "Перевести заявку в «В ожидании»?",
  cancel: "Отменить заявку? Студент получит сообщение об отмене.",
  restore: "Восстановить заявку в прежний статус?",
};

const CONFIRM_BUTTON: Record<CardAction, string> = {
  confirm: "✅ Да, подтвердить",
  pending: "✅ Да, в ожидание",
  cancel: "🔴 Да, отменить",
  restore: "✅ Да, восстановить",
};

/** The one confirmation press every action asks for. */
export function confirmQuestion(action: CardAction, row: BookingRow): { text: string; keyboard: InlineKeyboard } {
  const seen = row.confirmed;
  const keyboard = new InlineKeyboard();
  if (action === "cancel") {
    keyboard
      .text("🔴 Отменить без причины", packCard({ op: "do", action, id: row.id, seen }))
      .row()
      .text("✍️ Указать причину", packCard({ op: "reason", id: row.id, seen }))
      .row();
  } else {
    keyboard.text(CONFIRM_BUTTON[action], packCard({ op: "do", action, id: row.id, seen }));
  }
  keyboard.text("↩ Назад", packCard({ op: "show", id: row.id }));
  return { text: `❓ <b>Заявка #${row.id}</b> · ${statusText(seen)}\n${QUESTION[action]}`, keyboard };
}
