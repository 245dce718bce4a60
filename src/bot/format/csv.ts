import type { BookingRow } from "../../db/queries/bookings";
import type { Texts } from "../i18n";
import { courseTitle, formatDateTime, statusLabel, streamName } from "./values";

/** Semicolons: what Excel expects in a Russian locale; the BOM makes it read UTF-8 (Cyrillic). */
export const CSV_SEPARATOR = ";";
export const CSV_BOM = "\uFEFF";

export const CSV_HEADER = [
  "id",
  "user_id",
  "username",
  "first_name",
  "course_id",
  "course",
  "course_stream",
  "stream",
  "confirmed",
  "status",
  "created_at",
  "created_local",
  "referral_code",
  "discount_percent",
];

/**
 * One field: quoted when it holds a separator, quote or line break; and a leading = + - @ (a
 * student's name like "=HYPERLINK(...)") is defused with an apostrophe so no spreadsheet runs it.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(fields: Array<string | number | null | undefined>): string {
  return `${fields.map(csvField).join(CSV_SEPARATOR)}\r\n`;
}

const encoder = new TextEncoder();

/** A CSV document as a stream of chunks, one batch of rows at a time: a million rows never sit in memory. */
export async function* csvChunks<T>(header: readonly string[], batches: AsyncIterable<T[]>, line: (row: T) => string): AsyncGenerator<Uint8Array> {
  yield encoder.encode(CSV_BOM + csvLine([...header]));
  for await (const batch of batches) yield encoder.encode(batch.map(line).join(""));
}

export function bookingCsvLine(row: BookingRow, timeZone: string, t: Texts): string {
  return csvLine([
    row.id,
    row.userId,
    row.username,
    row.firstName,
    row.courseId,
    row.courseName ?? (row.courseId === null ? null : courseTitle(row.courseId, null, t)),
    row.courseStream,
    row.courseStream ? streamName(row.courseStream, row.streamTitle, t) : null,
    row.confirmed,
    statusLabel(row.confirmed, t),
    row.createdAt.toISOString(),
    formatDateTime(row.createdAt, timeZone),
    row.referralCode,
    row.discountPercent,
  ]);
}
