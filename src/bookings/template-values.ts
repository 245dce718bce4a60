import type { BookingRow } from "../db/queries/bookings";
import type { TemplateValues } from "../bookings/templates";
import { formatDateTime } from "./dates";
import { numberedStreamTitle, streamNumber } from "./stream-rules";

/** The stream as a student reads it: its title, else "3-й поток" for `3rd_stream`, else the code. */
function studentStreamName(code: string | null, title: string | null): string {
  if (title) return title;
  if (!code) return "—";
  const n = streamNumber(code);
  return n === undefined ? code : numberedStreamTitle(n);
}

/** What a booking puts into a student's message: plain text, as the student should read it. */
export function bookingTemplateValues(row: BookingRow, timeZone: string, reason?: string | null): TemplateValues {
  return {
    first_name: row.firstName?.trim() || "Здравствуйте",
    course: row.courseName ?? (row.courseId === null ? "курс" : `курс #${row.courseId}`),
    // Students read Russian, as the rest of these values.
    stream: studentStreamName(row.courseStream, row.streamTitle),
    start_date: row.streamStartsAt
      ? formatDateTime(row.streamStartsAt, timeZone)
      : row.courseStartText?.trim() || "уточняется",
    reason: reason?.trim() || "не указана",
  };
}
