import { desc, eq, inArray, sql, type Column } from "drizzle-orm";
import type { Db } from "../client";
import { bookings, users } from "../schema";

/**
 * The real `users` table keeps its times as `timestamp without time zone`, written by the
 * server's now(): read them in the server's zone (the cast does), never in this process's.
 * On our own layout the columns have a zone and the cast changes nothing.
 */
const inServerZone = (column: Column) => sql<Date | null>`${column}::timestamptz`.mapWith(column);

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

  // One statement: the users row if there is one, and what the bookings say (newest name,
  // first booking). `users` may have been filled in after the first bookings, so the earlier of
  // the two dates is the true first sight.
  const newest = (column: "username" | "first_name") =>
    sql<string | null>`(SELECT b.${sql.raw(column)} FROM bookings b WHERE b.user_id = ${userId} ORDER BY b.created_at DESC, b.id DESC LIMIT 1)`;
  const [row] = await db
    .select({
      known: sql<boolean>`${users.userId} IS NOT NULL`,
      username: users.username,
      firstName: users.firstName,
      lastName: users.lastName,
      firstSeenAt: inServerZone(users.firstSeenAt),
      bookedUsername: newest("username"),
      bookedFirstName: newest("first_name"),
      firstBooked: sql<Date | null>`(SELECT min(b.created_at) FROM bookings b WHERE b.user_id = ${userId})`.mapWith(bookings.createdAt),
    })
    .from(sql`(SELECT 1) AS one`)
    .leftJoin(users, eq(users.userId, userId));
  if (!row || (!row.known && row.firstBooked === null)) return undefined;
  const dates = [row.firstSeenAt, row.firstBooked].filter((d): d is Date => d instanceof Date);
  return {
    userId,
    username: row.known ? (row.username ?? row.bookedUsername) : row.bookedUsername,
    firstName: row.known ? (row.firstName ?? row.bookedFirstName) : row.bookedFirstName,
    lastName: row.lastName ?? null,
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
