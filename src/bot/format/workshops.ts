import { InlineKeyboard } from "grammy";
import type { Lesson, LessonsOverview, RegistrationRow, RegistrationsPage } from "../../db/queries/workshops";
import { packWorkshops } from "../callback-data";
import type { Texts } from "../i18n";
import { csvLine } from "./csv";
import { MESSAGE_LIMIT, escapeHtml, truncate } from "./html";
import { countNoun, displayName, displayUsername, formatCount, formatDateTime, safe } from "./values";

/** /workshops: the lessons with their counts, a lesson's registrations page by page, CSV lines. Pure. */

/** A screen that may have no buttons (an empty table). */
export type WorkshopsScreen = { text: string; keyboard?: InlineKeyboard };

// The real bot checks emails against a simple pattern and lesson types against its lessons.yaml,
// but a row may hold anything (the dashboard, a manual fix): cut like names.
const MAX_EMAIL = 100;
const MAX_LESSON_TYPE = 50;
const MAX_BUTTON_TITLE = 32;

/** A lesson type's title: ours for the real bot's known types, the stored value otherwise. Plain text. */
export function lessonName(type: string | null, t: Texts): string {
  if (type === null || type.trim() === "") return t.workshops.noType;
  // Own keys only: a type named "constructor" is someone's free text, not a title.
  return Object.hasOwn(t.workshops.lessonType, type) ? t.workshops.lessonType[type]! : type;
}

/** `lessonName` for HTML: an unknown type shows as the raw value it is, cut and escaped. */
export function lessonTitle(type: string | null, t: Texts): string {
  const name = lessonName(type, t);
  return name === type ? `<code>${safe(type, MAX_LESSON_TYPE)}</code>` : escapeHtml(name);
}

/** `2025-09-12` → `12.09.2025`; no date, plainly said. Plain text. */
export function lessonDate(date: string | null, t: Texts): string {
  if (date === null) return t.workshops.noDate;
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : date;
}

/** How many of `entries` fit under Telegram's limit after `used` characters, each on a line of its own. */
function fitting(entries: string[], used: number): number {
  let length = used;
  let n = 0;
  for (const entry of entries) {
    if (length + entry.length + 1 > MESSAGE_LIMIT) break;
    length += entry.length + 1;
    n++;
  }
  return n;
}

/** The lessons, newest date first and undated last, a button each; the ones that do not fit are counted. */
export function formatLessons(overview: LessonsOverview, t: Texts): WorkshopsScreen {
  const w = t.workshops;
  if (overview.lessonCount === 0) return { text: w.none };
  const head = w.title(countNoun(overview.lessonCount, w.lessons, t), countNoun(overview.registrations, w.registrations, t));
  const lines = overview.lessons.map((l) => w.lesson(lessonDate(l.lessonDate, t), lessonTitle(l.lessonType, t), countNoun(l.registrations, w.registrations, t)));
  // Room for the widest "… and N more" line, whatever fits.
  const reserve = w.more(countNoun(overview.lessonCount, w.lessons, t)).length + 2;
  const shown = fitting(lines, head.length + 1 + reserve);
  const more = overview.lessonCount - shown;
  const keyboard = new InlineKeyboard();
  for (const l of overview.lessons.slice(0, shown)) {
    const label = w.lessonButton(lessonDate(l.lessonDate, t), truncate(lessonName(l.lessonType, t), MAX_BUTTON_TITLE), formatCount(l.registrations, t));
    keyboard.text(label, packWorkshops({ op: "page", lesson: l.id, anchor: { dir: "first" } })).row();
  }
  keyboard.text(w.csvAll, packWorkshops({ op: "csv-all" }));
  const text = [head, "", ...lines.slice(0, shown), ...(more > 0 ? ["", w.more(countNoun(more, w.lessons, t))] : [])].join("\n");
  return { text, keyboard };
}

/** One registration: name, @username, email, when (in TZ_DISPLAY). */
export function formatRegistration(row: RegistrationRow, timeZone: string, t: Texts): string {
  const when = row.registeredAt ? formatDateTime(row.registeredAt, timeZone) : t.workshops.noTime;
  return t.workshops.line(displayName(t, row.firstName), displayUsername(t, row.username), safe(row.email, MAX_EMAIL), when);
}

/**
 * A page of a lesson's registrations, newest first, with ◀ ▶, a broadcast to them, CSV and back. Rows that would push
 * the message past 4096 characters are left for the next page, which starts after the last one shown.
 */
export function formatRegistrations(lesson: Lesson, page: RegistrationsPage, timeZone: string, t: Texts): WorkshopsScreen {
  const w = t.workshops;
  const n = (x: number) => formatCount(x, t);
  const title = w.lessonTitle(lessonTitle(lesson.lessonType, t), lessonDate(lesson.lessonDate, t));
  const entries = page.rows.map((row) => formatRegistration(row, timeZone, t));
  const widest = n(page.offset + page.rows.length);
  const shown = fitting(entries, [title, w.position(countNoun(page.total, w.registrations, t), widest, widest), ""].join("\n").length);
  const rows = page.rows.slice(0, shown);
  const position = shown > 0 ? w.position(countNoun(page.total, w.registrations, t), n(page.offset + 1), n(page.offset + shown)) : countNoun(page.total, w.registrations, t);

  const keyboard = new InlineKeyboard();
  const first = rows[0];
  const last = rows[rows.length - 1];
  const hasOlder = page.hasOlder || shown < page.rows.length;
  if (page.hasNewer && first) keyboard.text(w.newer, packWorkshops({ op: "page", lesson: lesson.id, anchor: { dir: "newer", id: first.id } }));
  if (hasOlder && last) keyboard.text(w.older, packWorkshops({ op: "page", lesson: lesson.id, anchor: { dir: "older", id: last.id } }));
  if ((page.hasNewer && first) || (hasOlder && last)) keyboard.row();
  if (page.total > 0) keyboard.text(w.broadcast, packWorkshops({ op: "broadcast", lesson: lesson.id }));
  keyboard.text(w.csv, packWorkshops({ op: "csv", lesson: lesson.id })).text(w.toLessons, packWorkshops({ op: "home" }));
  return { text: [title, position, "", ...entries.slice(0, shown)].join("\n"), keyboard };
}

export const REGISTRATIONS_CSV_HEADER = [
  "id",
  "user_id",
  "username",
  "first_name",
  "email",
  "lesson_type",
  "lesson",
  "lesson_date",
  "registered_at",
  "registered_local",
  "notification_sent",
] as const;

export function registrationCsvLine(row: RegistrationRow, timeZone: string, t: Texts): string {
  return csvLine([
    row.id,
    row.userId,
    row.username,
    row.firstName,
    row.email,
    row.lessonType,
    row.lessonType === null ? null : lessonName(row.lessonType, t),
    row.lessonDate,
    row.registeredAt?.toISOString(),
    row.registeredAt ? formatDateTime(row.registeredAt, timeZone) : null,
    row.notificationSent === null ? null : String(row.notificationSent),
  ]);
}
