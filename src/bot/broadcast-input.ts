import { localParts, zonedTime, type DateProblem } from "../bookings/stream-rules";
import type { LinkButton } from "../db/schema";

/** At most this many link buttons (a row each) under a broadcast, each label at most MAX_LABEL. */
export const MAX_LINK_ROWS = 5;
export const MAX_LABEL = 40;
const MAX_URL = 512;

export type ButtonsProblem = { kind: "format" | "url" | "label"; line: number } | { kind: "too-many" };

/** `label — https://…`: a dash (—, – or -) between spaces, then the link. */
const LINE = /^(.+?)\s+[—–-]\s+(\S+)$/;

/**
 * The link buttons an admin typed, one `text — https://…` a line: https only (a student's
 * Telegram opens it as is), a host with a dot, at most MAX_LINK_ROWS. The first bad line is
 * named by its number.
 */
export function parseLinkButtons(text: string): { buttons: LinkButton[] } | { problem: ButtonsProblem } {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  if (lines.length > MAX_LINK_ROWS) return { problem: { kind: "too-many" } };
  const buttons: LinkButton[] = [];
  for (const [i, line] of lines.entries()) {
    const m = LINE.exec(line);
    if (!m) return { problem: { kind: "format", line: i + 1 } };
    const label = m[1]!.trim();
    if (label.length > MAX_LABEL) return { problem: { kind: "label", line: i + 1 } };
    const url = httpsUrl(m[2]!);
    if (!url) return { problem: { kind: "url", line: i + 1 } };
    buttons.push({ text: label, url });
  }
  return lines.length === 0 ? { problem: { kind: "format", line: 1 } } : { buttons };
}

function httpsUrl(text: string): string | undefined {
  if (text.length > MAX_URL) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === "https:" && url.hostname.includes(".") && !url.username && !url.password ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const WHEN = /^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?\s+(\d{1,2}):(\d{2})$/;
/** Further ahead than this is a typo more likely than a plan. */
const MAX_DAYS_AHEAD = 366;

/**
 * When a scheduled broadcast goes: `DD.MM HH:MM` (this year) or `DD.MM.YYYY HH:MM`, in the
 * display zone. A moment already gone is in the past (no rolling over to next year: "05.12"
 * typed on the 6th is a mistake to point out, not a broadcast a year later).
 */
export function parseSendTime(text: string, options: { timeZone: string; now: Date }): { date: Date } | { problem: DateProblem } {
  const m = WHEN.exec(text.trim());
  if (!m) return { problem: "format" };
  const year = m[3] !== undefined ? Number(m[3]) : localParts(options.now, options.timeZone).year;
  const [day, month, hour, minute] = [Number(m[1]), Number(m[2]), Number(m[4]), Number(m[5])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day || hour > 23 || minute > 59) {
    return { problem: "no-such-date" };
  }
  const date = zonedTime({ year, month, day, hour, minute }, options.timeZone);
  if (date.getTime() <= options.now.getTime()) return { problem: "past" };
  if (date.getTime() - options.now.getTime() > MAX_DAYS_AHEAD * 86_400_000) return { problem: "too-far" };
  return { date };
}
