import type { BookingStatus } from "../../db/schema";
import type { Texts } from "../i18n";
import { plural, type PluralForms } from "../i18n/plural";
import { streamNumber } from "../../bookings/stream-rules";
import { escapeHtml, truncate } from "./html";

export { formatDateTime } from "../../bookings/dates";

export const STATUS_BADGE: Record<BookingStatus, string> = { 0: "⚪", 1: "🟡", 2: "🟢", [-1]: "🔴" };

export function statusLabel(status: number, t: Texts): string {
  return t.status[status] ?? t.unknownStatus(status);
}

export function statusText(status: number, t: Texts): string {
  const badge = STATUS_BADGE[status as BookingStatus];
  return badge ? `${badge} ${statusLabel(status, t)}` : `❔ ${statusLabel(status, t)}`;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
export function formatCount(n: number, t: Texts): string {
  let format = numberFormats.get(t.locale);
  if (!format) numberFormats.set(t.locale, (format = new Intl.NumberFormat(t.locale)));
  return format.format(n);
}

/** A number with its noun in the reader's language: "1 регистрация", "5 регистраций", "21 регистрация"; "2 registrations". */
export function countNoun(n: number, forms: PluralForms, t: Texts): string {
  return `${formatCount(n, t)} ${plural(t.locale, n, forms)}`;
}

// Telegram caps first names at 64 characters and usernames at 32; legacy rows may hold anything,
// so every string from the database is cut before it is escaped, and a page stays under 4096.
export const MAX_NAME = 64;
export const MAX_USERNAME = 32;
export const MAX_CODE = 32;
export const MAX_TITLE = 80;

export const safe = (text: string, max: number): string => escapeHtml(truncate(text, max));

/** `3rd_stream` → title from the `streams` table, else "3-й поток", else the code itself. Plain text. */
export function streamName(code: string | null, title: string | null, t: Texts): string {
  if (title) return title;
  if (!code) return "—";
  const numbered = streamNumber(code);
  return numbered === undefined ? code : t.numberedStream(String(numbered));
}

/** `streamName`, cut and HTML-escaped. */
export const streamTitle = (code: string | null, title: string | null, t: Texts): string =>
  code || title ? safe(streamName(code, title, t), MAX_TITLE) : "—";

/** The course's name (HTML-safe), or "Курс #id" when the database has none. */
export function courseTitle(courseId: number | null, name: string | null, t: Texts): string {
  if (name) return safe(name, MAX_TITLE);
  return courseId === null ? "—" : t.courseNumber(courseId);
}

/** The student's name as stored, cut and escaped; "Без имени" in the reader's language when there is none. */
export function displayName(t: Texts, firstName: string | null | undefined, lastName?: string | null): string {
  const full = [firstName, lastName].filter((s) => s && s.trim()).join(" ");
  return full ? safe(full, MAX_NAME) : t.noName;
}

export function displayUsername(t: Texts, username: string | null | undefined): string {
  return username?.trim() ? `@${safe(username.trim(), MAX_USERNAME)}` : t.noUsername;
}

export function discountText(percent: number | null, referralCode: string | null, t: Texts): string | undefined {
  const code = referralCode ? safe(referralCode, MAX_CODE) : undefined;
  if (percent && code) return t.discount(percent, code);
  if (percent) return t.discountOnly(percent);
  if (code) return t.referralOnly(code);
  return undefined;
}
