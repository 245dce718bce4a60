import type { BookingRow, StatusCounts } from "../../src/db/queries/bookings";
import type { Student } from "../../src/db/queries/students";

/** The display zone of these tests. */
export const MSK = "Europe/Moscow";
/** A stored string that must come out escaped, and how. */
export const HOSTILE = "<script>&";
export const ESCAPED = "&lt;script&gt;&amp;";

/** 09:00 UTC = 12:00 in Moscow (UTC+3 all year). */
export const CREATED_AT = new Date("2026-11-01T09:00:00.000Z");

/** A typical row as `listBookingsPage` returns it: a booking plus its course name and stream title. */
export function bookingRow(overrides: Partial<BookingRow> = {}): BookingRow {
  return {
    id: 123,
    userId: 987654321,
    username: "ivan_petrov",
    firstName: "Иван",
    courseId: 1,
    courseStream: "3rd_stream",
    confirmed: 1,
    createdAt: CREATED_AT,
    referralCode: "FRIEND10",
    discountPercent: 10,
    courseName: "Вайб кодинг",
    courseStartText: null,
    streamTitle: null,
    streamStartsAt: null,
    ...overrides,
  };
}

/** A new booking with nothing known but its user id: no name, no course, no discount. */
export const bareBookingRow = (overrides: Partial<BookingRow> = {}): BookingRow =>
  bookingRow({ confirmed: 0, firstName: null, username: null, courseId: null, courseName: null, courseStream: null, discountPercent: null, referralCode: null, ...overrides });

export function student(overrides: Partial<Student> = {}): Student {
  return {
    userId: 987654321,
    username: "ivan_petrov",
    firstName: "Иван",
    lastName: "Петров",
    firstSeenAt: new Date("2026-10-20T06:30:00.000Z"),
    ...overrides,
  };
}

export function counts(all: number, byStatus: Partial<Omit<StatusCounts, "all">> = {}): StatusCounts {
  return { all, 0: 0, 1: 0, 2: 0, [-1]: 0, ...byStatus };
}

/** Ru-RU digit grouping uses a no-break space. */
export const NBSP = "\u00a0";
