import type { Db } from "../../src/db/client";
import { bookings, courses, users, type NewBooking } from "../../src/db/schema";

export const BASE_TIME = new Date("2026-11-01T09:00:00.000Z");

export async function addCourse(db: Db, id = 1, name = "Вайб кодинг"): Promise<void> {
  await db.insert(courses).values({ id, name }).onConflictDoNothing();
}

/** Inserts bookings; `createdAt` defaults to one minute apart from BASE_TIME, in the given order. */
export async function addBookings(db: Db, rows: Array<Partial<NewBooking>>): Promise<number[]> {
  if (rows.length === 0) return [];
  const values = rows.map((row, i) => ({
    userId: 5000 + i,
    username: `student${i}`,
    firstName: `Студент ${i}`,
    courseId: 1,
    courseStream: "3rd_stream",
    confirmed: 0 as const,
    createdAt: new Date(BASE_TIME.getTime() + i * 60_000),
    ...row,
  }));
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
