import type { BookingRow } from "../db/queries/bookings";
import { formatDateTime, streamName } from "../bot/format/values";
import { ru } from "../bot/i18n";
import type { TemplateValues } from "../delivery/templates";

/** What a booking puts into a student's message: plain text, as the student should read it. */
export function bookingTemplateValues(row: BookingRow, timeZone: string, reason?: string | null): TemplateValues {
  return {
    first_name: row.firstName?.trim() || "Здравствуйте",
    course: row.courseName ?? (row.courseId === null ? "курс" : `курс #${row.courseId}`),
    // Students read Russian (as the rest of these values): said here, not left to a default.
    stream: streamName(row.courseStream, row.streamTitle, ru),
    start_date: row.streamStartsAt
      ? formatDateTime(row.streamStartsAt, timeZone)
      : row.courseStartText?.trim() || "уточняется",
    reason: reason?.trim() || "не указана",
  };
}
