import type { BookingRow, StatusCounts } from "../../db/queries/bookings";
import type { Student } from "../../db/queries/students";
import type { Filter, ListState } from "../list-state";
import { formatBookingLine } from "./booking";
import { MESSAGE_LIMIT } from "./html";
import { STATUS_BADGE, displayName, displayUsername, formatCount, formatDateTime } from "./values";

export const FILTER_NAME: Record<Filter, string> = {
  all: "Все",
  0: "Новые",
  1: "В ожидании",
  2: "Подтверждённые",
  [-1]: "Отменённые",
};

export const countOf = (counts: StatusCounts, filter: Filter): number =>
  filter === "all" ? counts.all : counts[filter];

export type ListMessageInput = {
  state: ListState;
  rows: BookingRow[];
  counts: StatusCounts;
  /** Present for one student's list. */
  student?: Student;
  timeZone: string;
};

function studentHeader(student: Student, counts: StatusCounts, timeZone: string): string[] {
  const perStatus = ([0, 1, 2, -1] as const).map((s) => `${STATUS_BADGE[s]} ${formatCount(counts[s])}`).join(" · ");
  return [
    `👤 <b>${displayName(student.firstName, student.lastName)}</b> · ${displayUsername(student.username)} · id <code>${student.userId}</code>`,
    student.firstSeenAt ? `Впервые в боте: ${formatDateTime(student.firstSeenAt, timeZone)}` : undefined,
    `Заявок: ${formatCount(counts.all)} — ${perStatus}`,
  ].filter((line): line is string => line !== undefined);
}

/**
 * The text of a list message and how many of `rows` it holds: rows that would push the
 * message past Telegram's 4096 characters are left for the next page, so the caller pages
 * on from the last row actually shown.
 */
export function formatListMessage(input: ListMessageInput): { text: string; shown: number } {
  const { state, rows, counts, student, timeZone } = input;
  const total = countOf(counts, state.filter);
  const head = student ? studentHeader(student, counts, timeZone) : ["📋 <b>Заявки</b>"];
  const filterLine = `Фильтр: <b>${FILTER_NAME[state.filter]}</b>`;

  if (rows.length === 0) {
    const empty = total === 0 && state.filter === "all" ? "Заявок пока нет." : "Здесь заявок нет.";
    return { text: [...head, filterLine, "", empty].join("\n"), shown: 0 };
  }

  const entries: string[] = [];
  // The position line is computed last but its widest form is reserved up front.
  const reserve = `${filterLine} · ${formatCount(state.offset + rows.length)}–${formatCount(state.offset + rows.length)} из ${formatCount(Math.max(total, state.offset + rows.length))}`;
  let length = [...head, reserve, ""].join("\n").length;
  for (const row of rows) {
    const entry = formatBookingLine(row, timeZone);
    if (length + entry.length + 2 > MESSAGE_LIMIT) break;
    entries.push(entry);
    length += entry.length + 2;
  }
  const from = state.offset + 1;
  const to = state.offset + entries.length;
  const position = `${filterLine} · ${formatCount(from)}–${formatCount(to)} из ${formatCount(Math.max(total, to))}`;
  return { text: [...head, position, "", entries.join("\n\n")].join("\n"), shown: entries.length };
}
