import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { freeLessonRegistrations as r } from "../schema";

/**
 * The real bot's free-lesson registrations for /workshops, read only. A lesson is a
 * (lesson_type, lesson_date) pair, either of which may be null, so lessons are matched with
 * IS NOT DISTINCT FROM. No index of ours on their table: a workshop brings tens of
 * registrations, and a scan of a few thousand rows costs less than an index would cost each
 * of their inserts.
 */

/** A lesson, and its name in buttons: the id of its first (lowest-id) registration. */
export type Lesson = { id: number; lessonType: string | null; lessonDate: string | null; registrations: number };
export type LessonKey = Pick<Lesson, "lessonType" | "lessonDate">;

const ofLesson = (lesson: LessonKey): SQL =>
  sql`${r.lessonType} IS NOT DISTINCT FROM ${lesson.lessonType}::varchar AND ${r.lessonDate} IS NOT DISTINCT FROM ${lesson.lessonDate}::date`;

/** Newest first; a registration without a time (a row the real bot wrote before it kept them) last. */
const sortKey = sql`coalesce(${r.registeredAt}, '-infinity'::timestamptz)`;

/** The lessons, newest date first and undated last, at most `limit`, with the totals of all of them. */
export async function listLessons(db: Db, limit: number) {
  const rows = await db
    .select({
      id: sql<number>`min(${r.id})::int`,
      lessonType: r.lessonType,
      lessonDate: r.lessonDate,
      registrations: sql<number>`count(*)::int`,
      // Window totals are taken over every group, before the LIMIT.
      lessons: sql<number>`(count(*) OVER ())::int`,
      total: sql<number>`(sum(count(*)) OVER ())::int`,
    })
    .from(r)
    .groupBy(r.lessonType, r.lessonDate)
    .orderBy(sql`${r.lessonDate} DESC NULLS LAST`, sql`${r.lessonType} ASC NULLS LAST`)
    .limit(limit);
  return {
    lessons: rows.map(({ id, lessonType, lessonDate, registrations }): Lesson => ({ id, lessonType, lessonDate, registrations })),
    lessonCount: rows[0]?.lessons ?? 0,
    registrations: rows[0]?.total ?? 0,
  };
}
export type LessonsOverview = Awaited<ReturnType<typeof listLessons>>;

/** Every registration, for the caption of the CSV of them all. */
export async function countRegistrations(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(r);
  return row?.n ?? 0;
}

/**
 * The lesson a button names by its first registration's id; undefined when that is no lesson's
 * first registration any more (or never was: a forged button).
 */
export async function findLesson(db: Db, id: number): Promise<Lesson | undefined> {
  const [row] = await db
    .select({ lessonType: r.lessonType, lessonDate: r.lessonDate })
    .from(r)
    .where(eq(r.id, id));
  if (!row) return undefined;
  const [group] = await db
    .select({ first: sql<number>`min(${r.id})::int`, registrations: sql<number>`count(*)::int` })
    .from(r)
    .where(ofLesson(row));
  return group?.first === id ? { id, ...row, registrations: group.registrations } : undefined;
}

const rowColumns = {
  id: r.id,
  userId: r.userId,
  username: r.username,
  firstName: r.firstName,
  email: r.email,
  registeredAt: r.registeredAt,
  notificationSent: r.notificationSent,
  lessonType: r.lessonType,
  lessonDate: r.lessonDate,
};

/** Where a page starts: the newest registrations, or those older / newer than one already shown. */
export type RegistrationAnchor = { dir: "first" } | { dir: "older" | "newer"; id: number };

/** The anchor's key read inside the query, so timestamps keep PostgreSQL's microseconds. */
const beyond = (op: "<" | ">", id: number): SQL =>
  sql`(${sortKey}, ${r.id}) ${sql.raw(op)} (SELECT coalesce(a.registered_at, '-infinity'::timestamptz), a.id FROM free_lesson_registrations a WHERE a.id = ${id})`;

/**
 * One page of a lesson's registrations, newest first, keyset on (registered_at, id). One count
 * gives the page's position and both arrows. An anchor that leads nowhere (its row gone, or
 * fewer than a page of newer ones) lands on the first page.
 */
export async function listRegistrationsPage(db: Db, lesson: LessonKey, anchor: RegistrationAnchor, size: number) {
  const query = (where: SQL | undefined, order: "newest" | "oldest") =>
    db
      .select(rowColumns)
      .from(r)
      .where(and(ofLesson(lesson), where))
      .orderBy(...(order === "newest" ? [desc(sortKey), desc(r.id)] : [asc(sortKey), asc(r.id)]))
      .limit(size);
  const rows =
    anchor.dir === "first"
      ? await query(undefined, "newest")
      : anchor.dir === "older"
        ? await query(beyond("<", anchor.id), "newest")
        : (await query(beyond(">", anchor.id), "oldest")).reverse();
  if ((anchor.dir === "newer" && rows.length < size) || (anchor.dir === "older" && rows.length === 0)) {
    return listRegistrationsPage(db, lesson, { dir: "first" }, size);
  }
  const [count] = await db
    .select({
      total: sql<number>`count(*)::int`,
      before: rows[0] ? sql<number>`(count(*) FILTER (WHERE ${beyond(">", rows[0].id)}))::int` : sql<number>`0`,
    })
    .from(r)
    .where(ofLesson(lesson));
  const { total, before } = count!;
  return { rows, offset: before, total, hasNewer: before > 0, hasOlder: before + rows.length < total };
}
export type RegistrationsPage = Awaited<ReturnType<typeof listRegistrationsPage>>;
export type RegistrationRow = RegistrationsPage["rows"][number];

/**
 * Every registration of a lesson (or of all lessons), newest first, in keyset batches: memory
 * stays at one batch. The cursor is the last row's key itself, not its id: a student who
 * registers again meanwhile moves their row to the top, and the walk goes on where it was.
 */
export async function* iterateRegistrations(db: Db, lesson: LessonKey | undefined, batch = 2_000): AsyncGenerator<RegistrationRow[]> {
  let after: { key: string; id: number } | undefined;
  for (;;) {
    const rows = await db
      .select({ ...rowColumns, key: sql<string>`${sortKey}::text` })
      .from(r)
      .where(and(lesson && ofLesson(lesson), after && sql`(${sortKey}, ${r.id}) < (${after.key}::timestamptz, ${after.id})`))
      .orderBy(desc(sortKey), desc(r.id))
      .limit(batch);
    if (rows.length > 0) yield rows.map(({ key: _key, ...row }) => row);
    if (rows.length < batch) return;
    const last = rows[rows.length - 1]!;
    after = { key: last.key, id: last.id };
  }
}
