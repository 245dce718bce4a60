import type { BookingRow } from "../../db/queries/bookings";
import type { Student } from "../../db/queries/students";
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

/** Three lines of a list: status and date, student, course. `/b123` opens the card. */
export function formatBookingLine(row: BookingRow, timeZone: string): string {
  const discount = discountText(row.discountPercent, row.referralCode);
  return [
    `${statusText(row.confirmed)} · /b${row.id} · ${formatDateTime(row.createdAt, timeZone)}`,
    `${displayName(row.firstName)} · ${displayUsername(row.username)} · id <code>${row.userId}</code>`,
    [courseTitle(row.courseId, row.courseName), streamTitle(row.courseStream, row.streamTitle), discount]
      .filter(Boolean)
      .join(" · "),
  ].join("\n");
}

/** The full card of one booking. */
export function formatBookingCard(row: BookingRow, student: Student | undefined, timeZone: string): string {
  const lastName = student?.lastName;
  const lines = [
    `<b>Заявка #${row.id}</b>`,
    statusText(row.confirmed),
    `Создана: ${formatDateTime(row.createdAt, timeZone)}`,
    "",
    `👤 ${displayName(row.firstName, lastName)} · ${displayUsername(row.username)} · id <code>${row.userId}</code>`,
  ];
  if (student?.firstSeenAt) lines.push(`Впервые в боте: ${formatDateTime(student.firstSeenAt, timeZone)}`);
  lines.push(
    `Все заявки студента: /u${row.userId}`,
    "",
    `📚 Курс: ${courseTitle(row.courseId, row.courseName)}${row.courseId !== null && row.courseName ? ` (#${row.courseId})` : ""}`,
    `🗓 Поток: ${streamTitle(row.courseStream, row.streamTitle)}${row.courseStream ? ` (<code>${safe(row.courseStream, MAX_TITLE)}</code>)` : ""}`,
    `💸 ${discountText(row.discountPercent, row.referralCode) ?? "без скидки"}`,
  );
  return lines.join("\n");
}
