import { InlineKeyboard } from "grammy";
import type { BookingRow, StatusCounts } from "../../db/queries/bookings";
import type { Student } from "../../db/queries/students";
import { packList, packListEdge, packMessages, packThread } from "../callback-data";
import { FILTERS, firstPageOf, type Filter, type ListState } from "../list-state";
import type { Texts } from "../i18n";
import { MESSAGE_LIMIT } from "./html";
import {
  STATUS_BADGE,
  courseTitle,
  discountText,
  displayName,
  displayUsername,
  formatCount,
  formatDateTime,
  statusText,
  streamTitle,
} from "./values";

export const filterName = (filter: Filter, t: Texts): string => t.filter[String(filter)]!;

export const countOf = (counts: StatusCounts, filter: Filter): number =>
  filter === "all" ? counts.all : counts[filter];

/**
 * One booking of a list: status and date, then the student, then the course; `/b123` opens the
 * card. A student's own list leaves the student out: the header above already names them.
 */
export function formatListEntry(row: BookingRow, timeZone: string, t: Texts, withStudent: boolean): string {
  const discount = discountText(row.discountPercent, row.referralCode, t);
  return [
    `${statusText(row.confirmed, t)} · /b${row.id} · ${formatDateTime(row.createdAt, timeZone)}`,
    withStudent ? `${displayName(t, row.firstName)} · ${displayUsername(t, row.username)} · id <code>${row.userId}</code>` : undefined,
    [courseTitle(row.courseId, row.courseName, t), streamTitle(row.courseStream, row.streamTitle, t), discount]
      .filter(Boolean)
      .join(" · "),
  ]
    .filter((line) => line !== undefined)
    .join("\n");
}

export type ListMessageInput = {
  state: ListState;
  rows: BookingRow[];
  counts: StatusCounts;
  /** Present for one student's list. */
  student?: Student;
  timeZone: string;
};

/** "Заявок: 3 — ⚪ 0 · 🟡 1 · 🟢 1 · 🔴 1": one student's bookings per status. */
export function studentTotals(counts: StatusCounts, t: Texts): string {
  const perStatus = ([0, 1, 2, -1] as const).map((s) => `${STATUS_BADGE[s]} ${formatCount(counts[s], t)}`).join(" · ");
  return t.list.total(formatCount(counts.all, t), perStatus);
}

/** Name · @username · id, the way a student is named on their own screen and in search results. */
export const studentLine = (student: Pick<Student, "userId" | "username" | "firstName" | "lastName">, t: Texts): string =>
  `<b>${displayName(t, student.firstName, student.lastName)}</b> · ${displayUsername(t, student.username)} · id <code>${student.userId}</code>`;

function studentHeader(student: Student, counts: StatusCounts, timeZone: string, t: Texts): string[] {
  return [
    `👤 ${studentLine(student, t)}`,
    student.firstSeenAt ? t.list.firstSeen(formatDateTime(student.firstSeenAt, timeZone)) : undefined,
    studentTotals(counts, t),
  ].filter((line): line is string => line !== undefined);
}

/**
 * The text of a list message and how many of `rows` it holds: rows that would push the
 * message past Telegram's 4096 characters are left for the next page, so the caller pages
 * on from the last row actually shown.
 */
export function formatListMessage(input: ListMessageInput, t: Texts): { text: string; shown: number } {
  const { state, rows, counts, student, timeZone } = input;
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
    const entry = formatListEntry(row, timeZone, t, student === undefined);
    if (length + entry.length + 2 > MESSAGE_LIMIT) break;
    entries.push(entry);
    length += entry.length + 2;
  }
  const from = state.offset + 1;
  const to = state.offset + entries.length;
  const position = `${filterLine} · ${t.list.position(n(from), n(to), n(Math.max(total, to)))}`;
  return { text: [...head, position, "", entries.join("\n\n")].join("\n"), shown: entries.length };
}

export type ListKeyboardInput = {
  state: ListState;
  counts: StatusCounts;
  /** The rows the message shows, newest first: the arrows page on from the first and the last. */
  shown: ReadonlyArray<Pick<BookingRow, "id">>;
  hasNewer: boolean;
  hasOlder: boolean;
  pageSize: number;
  /** A student's list: how many messages their thread holds (write to them, read it). */
  messages?: number;
};

/**
 * Filters with their counts (the active one ticked), then ◀ ↻ ▶. The layout never changes, and
 * each button carries the whole state of the page it leads to; an arrow with nowhere to go
 * shows "·" and says so when pressed.
 */
export function formatListKeyboard(input: ListKeyboardInput, t: Texts): InlineKeyboard {
  const { state, counts, shown, pageSize } = input;
  const keyboard = new InlineKeyboard();
  FILTERS.forEach((filter, i) => {
    if (i === 3) keyboard.row();
    const name = filter === "all" ? filterName(filter, t) : `${STATUS_BADGE[filter]} ${filterName(filter, t)}`;
    const mark = state.filter === filter ? "✓ " : "";
    keyboard.text(`${mark}${name} ${formatCount(countOf(counts, filter), t)}`, packList(firstPageOf(filter, state.userId)));
  });
  keyboard.row();

  const first = shown[0];
  const last = shown[shown.length - 1];
  if (input.hasNewer && first) {
    const offset = Math.max(0, state.offset - pageSize);
    keyboard.text(t.list.newer, packList({ ...state, anchor: { dir: "newer", id: first.id }, offset }));
  } else keyboard.text("·", packListEdge("newest"));
  keyboard.text(t.list.refresh, packList(state));
  if (input.hasOlder && last) {
    keyboard.text(t.list.older, packList({ ...state, anchor: { dir: "older", id: last.id }, offset: state.offset + shown.length }));
  } else keyboard.text("·", packListEdge("oldest"));
  if (state.userId !== undefined && input.messages !== undefined) {
    keyboard
      .row()
      .text(t.people.write, packMessages({ op: "write", userId: state.userId }))
      .text(t.people.thread(formatCount(input.messages, t)), packThread({ userId: state.userId, anchor: { dir: "first" } }));
  }
  return keyboard;
}
