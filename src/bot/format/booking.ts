import type { BookingRow } from "../../db/queries/bookings";
import type { Student } from "../../db/queries/students";
import type { Texts } from "../i18n";
import {
  MAX_TITLE,
  courseTitle,
  discountText,
  displayName,
  displayUsername,
  formatDateTime,
  safe,
  statusText,
  streamTitle,
} from "./values";

/** The full card of one booking. */
export function formatBookingCard(row: BookingRow, student: Student | undefined, timeZone: string, t: Texts): string {
  const lastName = student?.lastName;
  const lines = [
    t.card.title(row.id),
    statusText(row.confirmed, t),
    t.card.created(formatDateTime(row.createdAt, timeZone)),
    "",
    `👤 ${displayName(t, row.firstName, lastName)} · ${displayUsername(t, row.username)} · id <code>${row.userId}</code>`,
  ];
  if (student?.firstSeenAt) lines.push(t.list.firstSeen(formatDateTime(student.firstSeenAt, timeZone)));
  lines.push(
    t.card.allOfStudent(row.userId),
    "",
    t.card.course(`${courseTitle(row.courseId, row.courseName, t)}${row.courseId !== null && row.courseName ? ` (#${row.courseId})` : ""}`),
    t.card.stream(`${streamTitle(row.courseStream, row.streamTitle, t)}${row.courseStream ? ` (<code>${safe(row.courseStream, MAX_TITLE)}</code>)` : ""}`),
    `💸 ${discountText(row.discountPercent, row.referralCode, t) ?? t.noDiscount}`,
  );
  return lines.join("\n");
}
