import { desc, eq, min, sql } from "drizzle-orm";
import type { Db } from "../client";
import { bookings, users } from "../schema";

export type StudentRef = { userId: number } | { username: string };

export type Student = {
  userId: number;
  username: string | null;
  firstName: string | null;
  lastName: string | null;
  firstSeenAt: Date | null;
};

/**
 * Finds a student by id or by username (case-insensitive, with or without "@"). Students the
 * `users` table does not know (older rows of the real system) are described by their newest booking.
 */
export async function findStudent(db: Db, ref: StudentRef): Promise<Student | undefined> {
  const userId = "userId" in ref ? ref.userId : await userIdByUsername(db, ref.username);
  if (userId === undefined) return undefined;

  const [known] = await db.select().from(users).where(eq(users.userId, userId)).limit(1);
  const [latest] = await db
    .select({ username: bookings.username, firstName: bookings.firstName })
    .from(bookings)
    .where(eq(bookings.userId, userId))
    .orderBy(desc(bookings.createdAt), desc(bookings.id))
    .limit(1);
  if (!known && !latest) return undefined;

  // `users` may have been filled in after the first bookings: the earlier date is the true one.
  const [first] = await db.select({ at: min(bookings.createdAt) }).from(bookings).where(eq(bookings.userId, userId));
  const dates = [known?.firstSeenAt, first?.at].filter((d): d is Date => d instanceof Date);
  return {
    userId,
    username: known?.username ?? latest?.username ?? null,
    firstName: known?.firstName ?? latest?.firstName ?? null,
    lastName: known?.lastName ?? null,
    firstSeenAt: dates.length ? new Date(Math.min(...dates.map((d) => d.getTime()))) : null,
  };
}

async function userIdByUsername(db: Db, raw: string): Promise<number | undefined> {
  const name = raw.replace(/^@/, "").toLowerCase();
  const [known] = await db
    .select({ userId: users.userId })
    .from(users)
    .where(eq(sql`lower(${users.username})`, name))
    .orderBy(desc(users.updatedAt))
    .limit(1);
  if (known) return known.userId;
  const [booked] = await db
    .select({ userId: bookings.userId })
    .from(bookings)
    .where(eq(sql`lower(${bookings.username})`, name))
    .orderBy(desc(bookings.createdAt), desc(bookings.id))
    .limit(1);
  return booked?.userId;
}
