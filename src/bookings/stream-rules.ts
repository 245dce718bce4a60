/**
 * What admins may type about courses and streams, checked before anything is written: titles,
 * stream codes (they ride in students' buttons), start dates (DD.MM.YYYY in the display zone,
 * never in the past), and the next stream's code after the highest numbered one.
 */

/** Longest course name: the real schema's `button_text` is varchar(100), and names end up on buttons. */
export const MAX_COURSE_NAME = 100;
/** Longest stream title: it shares a student's 60-character button with the course name. */
export const MAX_STREAM_TITLE = 50;

export type TitleProblem = { kind: "empty" } | { kind: "too-long"; max: number; length: number };

/** A typed title, trimmed and on one line, or why it cannot be one. */
export function checkTitle(text: string, max: number): { title: string } | { problem: TitleProblem } {
  const title = text.replace(/\s+/g, " ").trim();
  const length = [...title].length;
  if (length === 0) return { problem: { kind: "empty" } };
  if (length > max) return { problem: { kind: "too-long", max, length } };
  return { title };
}

/**
 * Stream codes as `bookings.course_stream` holds them (varchar(50)): letters, digits, `_` and `-`,
 * so a code rides unchanged in a student's button (`s:b:<course>:<code>`).
 */
export const STREAM_CODE = /^[A-Za-z0-9_-]{1,50}$/;

const NUMBERED = /^(\d{1,6})(?:st|nd|rd|th)_stream$/;

/** English ordinal suffix, as the real codes have it: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st. */
function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: "st", 2: "nd", 3: "rd" }[n % 10] ?? "th"}`;
}

/** The number in a `<N>th_stream` code, if it is one. */
export function streamNumber(code: string): number | undefined {
  const m = NUMBERED.exec(code);
  return m ? Number(m[1]) : undefined;
}

/** The title a numbered stream gets: students read Russian, whatever the admin's language. */
export const numberedStreamTitle = (n: number): string => `${n}-й поток`;

/** The stream after the highest `<N>th_stream` among `codes` (so never one of them), with its title. */
export function suggestNextStream(codes: readonly string[]): { code: string; title: string } {
  const n = Math.max(0, ...codes.map((c) => streamNumber(c) ?? 0)) + 1;
  return { code: `${ordinal(n)}_stream`, title: numberedStreamTitle(n) };
}

/** The suggested title for a typed code: "N-й поток" for a numbered one. */
export function titleForCode(code: string): string | undefined {
  const n = streamNumber(code);
  return n === undefined ? undefined : numberedStreamTitle(n);
}

// ── Start dates ────────────────────────────────────────────────────────────────────────────

export type DateProblem = "format" | "no-such-date" | "past" | "too-far";

/** How far ahead a start date may be: further is a typo (2207 for 2027). */
const MAX_YEARS_AHEAD = 5;

type Local = { year: number; month: number; day: number; hour: number; minute: number };

const partFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of an instant in a time zone. */
export function localParts(date: Date, timeZone: string): Local {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" });
    partFormats.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(date).map((x) => [x.type, Number(x.value)]));
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute! };
}

/** The instant at which the clock in `timeZone` shows this wall-clock time. */
export function zonedTime(local: Local, timeZone: string): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const offset = (at: number) => {
    const p = localParts(new Date(at), timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(at / 60_000) * 60_000;
  };
  // Twice: the offset at the first guess may differ from the offset at the answer (DST).
  const first = wall - offset(wall);
  return new Date(wall - offset(first));
}

const DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$/;

/**
 * A typed start date, `DD.MM.YYYY` or `DD.MM.YYYY HH:MM`, in the display zone. Without a time the
 * stream keeps the time of day it had (`keepTimeOf`), or starts at 00:00. A day before today, or a
 * typed time already gone, is in the past.
 */
export function parseStartDate(
  text: string,
  options: { timeZone: string; now: Date; keepTimeOf?: Date | null },
): { date: Date } | { problem: DateProblem } {
  const m = DATE.exec(text.trim());
  if (!m) return { problem: "format" };
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const typedTime = m[4] !== undefined;
  const hour = typedTime ? Number(m[4]) : options.keepTimeOf ? localParts(options.keepTimeOf, options.timeZone).hour : 0;
  const minute = typedTime ? Number(m[5]) : options.keepTimeOf ? localParts(options.keepTimeOf, options.timeZone).minute : 0;
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day || hour > 23 || minute > 59) {
    return { problem: "no-such-date" };
  }
  const today = localParts(options.now, options.timeZone);
  const dayNumber = (l: Pick<Local, "year" | "month" | "day">) => Date.UTC(l.year, l.month - 1, l.day);
  const date = zonedTime({ year, month, day, hour, minute }, options.timeZone);
  if (dayNumber({ year, month, day }) < dayNumber(today) || (typedTime && date.getTime() < options.now.getTime())) return { problem: "past" };
  if (year > today.year + MAX_YEARS_AHEAD) return { problem: "too-far" };
  return { date };
}
