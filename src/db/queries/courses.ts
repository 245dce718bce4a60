import { and, asc, eq, inArray, isNull, notExists, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { bookings, courses, streams } from "../schema";

/**
 * Courses and streams for /courses, and the statements of the changes admins make to them (the
 * changes themselves, audited, are src/bookings/courses.ts). The students' /start offer reads the
 * same columns (`streams.is_open`, `courses.is_active`), so a change shows there at once.
 */

export function listCourses(db: Db) {
  return db
    .select({ id: courses.id, name: courses.name, priceUsdCents: courses.priceUsdCents, isActive: courses.isActive, startDateText: courses.startDateText })
    .from(courses)
    .orderBy(asc(courses.id));
}
export type CourseRow = Awaited<ReturnType<typeof listCourses>>[number];

export async function getCourse(db: Db, id: number): Promise<CourseRow | undefined> {
  return (await listCourses(db).where(eq(courses.id, id)))[0];
}

/** Which streams: all, one course's, those of no known course (offered with every course, or orphans), or one. */
export type StreamScope = { all: true } | { courseId: number } | { shared: true } | { code: string };

function scopeWhere(scope: StreamScope): SQL | undefined {
  if ("code" in scope) return eq(streams.code, scope.code);
  if ("courseId" in scope) return eq(streams.courseId, scope.courseId);
  if ("shared" in scope) return or(isNull(streams.courseId), notExists(sql`(SELECT 1 FROM courses c WHERE c.id = ${streams.courseId})`));
  return undefined;
}

/**
 * Streams with their live bookings per status (0, 1, 2), counted by stream code whatever the
 * course (as the real bot books them), numbered ones in order of their number.
 */
export async function listStreams(db: Db, scope: StreamScope) {
  const where = scopeWhere(scope);
  const live = db
    .select({
      stream: bookings.courseStream,
      n0: sql<number>`count(*) FILTER (WHERE ${bookings.confirmed} = 0)::int`.as("n0"),
      n1: sql<number>`count(*) FILTER (WHERE ${bookings.confirmed} = 1)::int`.as("n1"),
      n2: sql<number>`count(*) FILTER (WHERE ${bookings.confirmed} = 2)::int`.as("n2"),
    })
    .from(bookings)
    .where(and(inArray(bookings.courseStream, db.select({ code: streams.code }).from(streams).where(where)), inArray(bookings.confirmed, [0, 1, 2])))
    .groupBy(bookings.courseStream)
    .as("live");
  const rows = await db
    .select({
      code: streams.code,
      title: streams.title,
      courseId: streams.courseId,
      startsAt: streams.startsAt,
      isOpen: streams.isOpen,
      new: sql<number>`coalesce(${live.n0}, 0)`.mapWith(Number),
      pending: sql<number>`coalesce(${live.n1}, 0)`.mapWith(Number),
      confirmed: sql<number>`coalesce(${live.n2}, 0)`.mapWith(Number),
    })
    .from(streams)
    .leftJoin(live, eq(live.stream, streams.code))
    .where(where);
  const number = (code: string) => Number(/^(\d+)/.exec(code)?.[1] ?? Number.POSITIVE_INFINITY);
  return rows.sort((a, b) => number(a.code) - number(b.code) || a.code.localeCompare(b.code));
}
export type StreamRow = Awaited<ReturnType<typeof listStreams>>[number];

export const getStream = async (db: Db, code: string): Promise<StreamRow | undefined> => (await listStreams(db, { code }))[0];

/** Every stream code (for the next stream's suggestion and the "taken" check). */
export async function listStreamCodes(db: Db): Promise<string[]> {
  return (await db.select({ code: streams.code }).from(streams)).map((r) => r.code);
}

/** A stream's column, its row locked for the change that follows. */
export function lockStreamColumn<K extends "isOpen" | "title" | "startsAt">(code: string, key: K) {
  return async (tx: Db) => {
    const [row] = await tx.select({ value: streams[key] }).from(streams).where(eq(streams.code, code)).for("update");
    return row as { value: (typeof streams.$inferSelect)[K] } | undefined;
  };
}

export const updateStream = (code: string, set: Partial<typeof streams.$inferInsert>) => (tx: Db) => tx.update(streams).set(set).where(eq(streams.code, code));

/** A course's name and flag, its row locked for the change that follows. */
export async function lockCourse(tx: Db, id: number) {
  const [row] = await tx.select({ name: courses.name, isActive: courses.isActive }).from(courses).where(eq(courses.id, id)).for("update");
  return row;
}

export const updateCourse = (id: number, set: Partial<typeof courses.$inferInsert>) => (tx: Db) => tx.update(courses).set(set).where(eq(courses.id, id));

export type NewStream = { code: string; title: string; courseId: number; startsAt: Date; isOpen: boolean };

/** Inserts a stream; false when its code exists already (the insert itself checks). */
export async function insertStream(tx: Db, stream: NewStream): Promise<boolean> {
  const inserted = await tx.insert(streams).values(stream).onConflictDoNothing({ target: streams.code }).returning({ code: streams.code });
  return inserted.length > 0;
}
