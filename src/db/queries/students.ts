import { desc, eq, getTableColumns, inArray, min, sql, type Column } from "drizzle-orm";
import type { Db } from "../client";
import { bookings, users } from "../schema";

/**
 * The real `users` table keeps its times as `timestamp without time zone`, written by the
 * server's now(): read them in the server's zone (the cast does), never in this process's.
 * On our own layout the columns have a zone and the cast changes nothing.
 */
const inServerZone = (column: Column) => sql<Date | null>`${column}::timestamptz`.mapWith(column);
const userColumns = { ...getTableColumns(users), firstSeenAt: inServerZone(users.firstSeenAt), updatedAt: inServerZone(users.updatedAt) };

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

  const [known] = await db.select(userColumns).from(users).where(eq(users.userId, userId)).limit(1);
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

/** First names (or usernames) of people the `users` table knows, e.g. admins named by id in the real bot's events. */
export async function findUserNames(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const rows = await db
    .select({ userId: users.userId, name: sql<string | null>`coalesce(nullif(trim(${users.firstName}), ''), ${users.username})` })
    .from(users)
    .where(inArray(users.userId, [...ids]));
  return new Map(rows.filter((r) => r.name).map((r) => [r.userId, r.name!]));
}
