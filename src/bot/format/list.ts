import type { BookingRow, StatusCounts } from "../../db/queries/bookings";
import type { Student } from "../../db/queries/students";
import type { Filter, ListState } from "../list-state";
import { ru, type Texts } from "../i18n";
import { formatBookingLine } from "./booking";
import { MESSAGE_LIMIT } from "./html";
import { STATUS_BADGE, displayName, displayUsername, formatCount, formatDateTime } from "./values";

export const filterName = (filter: Filter, t: Texts = ru): string => t.filter[String(filter)]!;

export const countOf = (counts: StatusCounts, filter: Filter): number =>
  filter === "all" ? counts.all : counts[filter];

export type ListMessageInput = {
  state: ListState;
  rows: BookingRow[];
  counts: StatusCounts;
  /** Present for one student's list. */
  student?: Student;
  timeZone: string;
  t?: Texts;
};

function studentHeader(student: Student, counts: StatusCounts, timeZone: string, t: Texts): string[] {
  const perStatus = ([0, 1, 2, -1] as const).map((s) => `${STATUS_BADGE[s]} ${formatCount(counts[s], t)}`).join(" · ");
  return [
    `👤 <b>${displayName(student.firstName, student.lastName)}</b> · ${displayUsername(student.username)} · id <code>${student.userId}</code>`,
    student.firstSeenAt ? t.list.firstSeen(formatDateTime(student.firstSeenAt, timeZone)) : undefined,
    t.list.total(formatCount(counts.all, t), perStatus),
  ].filter((line): line is string => line !== undefined);
}

/**
 * The text of a list message and how many of `rows` it holds: rows that would push the
 * message past Telegram's 4096 characters are left for the next page, so the caller pages
 * on from the last row actually shown.
 */
export function formatListMessage(input: ListMessageInput): { text: string; shown: number } {
  const { state, rows, counts, student, timeZone } = input;
  const t = input.t ?? ru;
  const n = (value: number) => formatCount(value, t);
  const total = countOf(counts, state.filter);
  const head = student ? studentHeader(student, counts, timeZone, t) : [t.list.title];
  const filterLine = t.list.filter(filterName(state.filter, t));

  if (rows.length === 0) {
    const empty = total === 0 && state.filter === "all" ? t.list.emptyAll : t.list.empty;
    return { text: [...head, filterLine, "", empty].join("\n"), shown: 0 };
  }

  const entries: string[] = [];
  // The position line is computed last but its widest form is reserved up front.
  const widest = n(state.offset + rows.length);
  const reserve = `${filterLine} · ${t.list.position(widest, widest, n(Math.max(total, state.offset + rows.length)))}`;
  let length = [...head, reserve, ""].join("\n").length;
  for (const row of rows) {
    const entry = formatBookingLine(row, timeZone, t);
    if (length + entry.length + 2 > MESSAGE_LIMIT) break;
    entries.push(entry);
    length += entry.length + 2;
  }
  const from = state.offset + 1;
  const to = state.offset + entries.length;
  const position = `${filterLine} · ${t.list.position(n(from), n(to), n(Math.max(total, to)))}`;
  return { text: [...head, position, "", entries.join("\n\n")].join("\n"), shown: entries.length };
}
