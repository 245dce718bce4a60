import { eq } from "drizzle-orm";
import type { Db } from "../../src/db/client";
import { bookings, courses, streams, users, type NewBooking } from "../../src/db/schema";

export const BASE_TIME = new Date("2026-11-01T09:00:00.000Z");

export async function addCourse(db: Db, id = 1, name = "Вайб кодинг"): Promise<void> {
  await db.insert(courses).values({ id, name }).onConflictDoNothing();
}

/**
 * What a student books in the student-side tests: course 1 at $150 with two streams open,
 * 7th_stream (starts 01.12.2026 19:00 in Moscow) and 8th_stream (15.01.2027).
 */
export async function openTwoStreams(db: Db): Promise<void> {
  await db.update(courses).set({ priceUsdCents: 15_000 }).where(eq(courses.id, 1));
  await db.update(streams).set({ isOpen: true, startsAt: new Date("2026-12-01T16:00:00Z") }).where(eq(streams.code, "7th_stream"));
  await db.update(streams).set({ isOpen: true, startsAt: new Date("2027-01-15T16:00:00Z"), courseId: 1 }).where(eq(streams.code, "8th_stream"));
}

/**
 * What Ира reads after booking the 7th stream of `openTwoStreams` with FRIEND10 (10% off), the
 * templates as they come: one message, accepted, the price less the discount, how and where to pay.
 */
export const acceptedWithFriend10 = (bookingId: number): string =>
  [
    `✅ Заявка #${bookingId} принята: Вайб кодинг, 7-й поток.`,
    "Скидка по промокоду FRIEND10: 10%.",
    "Что дальше: оплатите, как написано ниже, и пришлите сюда фото чека или PDF-файл. Статус — в «Мои заявки».",
    "",
    "Ира, чтобы закрепить место на курсе «Вайб кодинг» (7-й поток), оплатите $135 (со скидкой 10%).",
    "Реквизиты — ниже. После оплаты пришлите сюда фото или скриншот чека (или PDF-файл): мы проверим оплату и подтвердим заявку.",
    "",
    "Реквизиты для оплаты уточняются — напишите нам, и мы пришлём их.",
  ].join("\n");

// A student has one live booking per course and stream (as our booking path keeps it), so a
// student's later bookings default to later streams: 3rd_stream, 4th_stream, 5th_stream, …
const bookingsPerStudent = new WeakMap<Db, Map<number, number>>();

function nextStream(db: Db, userId: number): string {
  const seen = bookingsPerStudent.get(db) ?? new Map<number, number>();
  bookingsPerStudent.set(db, seen);
  const n = (seen.get(userId) ?? 0) + 3;
  seen.set(userId, n - 2);
  return `${n}${n === 3 ? "rd" : "th"}_stream`;
}

/** Inserts bookings; `createdAt` defaults to one minute apart from BASE_TIME, in the given order. */
export async function addBookings(db: Db, rows: Array<Partial<NewBooking>>): Promise<number[]> {
  if (rows.length === 0) return [];
  const values = rows.map((row, i) => {
    const userId = row.userId ?? 5000 + i;
    return {
      username: `student${i}`,
      firstName: `Студент ${i}`,
      courseId: 1,
      courseStream: row.courseStream === undefined ? nextStream(db, userId) : row.courseStream,
      confirmed: 0 as const,
      createdAt: new Date(BASE_TIME.getTime() + i * 60_000),
      ...row,
      userId,
    };
  });
  const ids: number[] = [];
  for (let i = 0; i < values.length; i += 1000) {
    const inserted = await db.insert(bookings).values(values.slice(i, i + 1000)).returning({ id: bookings.id });
    ids.push(...inserted.map((r) => r.id));
  }
  return ids;
}

export async function addUser(db: Db, user: typeof users.$inferInsert): Promise<void> {
  await db.insert(users).values(user);
}
