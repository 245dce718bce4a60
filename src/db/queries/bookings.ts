import { and, asc, desc, eq, getTableColumns, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { bookingStatusCounts, bookings, courses, streams, studentStatusCounts, type BookingStatus } from "../schema";

/** Which bookings a list shows: everyone's or one student's, all statuses or one. */
export type BookingScope = { userId?: number; status?: BookingStatus };

/** Where a page starts: the newest rows, or the rows older / newer than a booking already shown. */
export type PageAnchor = { dir: "first" } | { dir: "older" | "newer"; id: number };

export const bookingRowColumns = {
  ...getTableColumns(bookings),
  courseName: courses.name,
  courseStartText: courses.startDateText,
  streamTitle: streams.title,
  streamStartsAt: streams.startsAt,
};

function bookingRows(db: Db) {
  return db
    .select(bookingRowColumns)
    .from(bookings)
    .leftJoin(courses, eq(courses.id, bookings.courseId))
    .leftJoin(streams, eq(streams.code, bookings.courseStream));
}

export type BookingRow = Awaited<ReturnType<ReturnType<typeof bookingRows>["execute"]>>[number];

export type BookingsPage = {
  rows: BookingRow[];
  hasNewer: boolean;
  hasOlder: boolean;
  /** True when the page had to restart from the newest rows (its anchor vanished, or it reached the top). */
  isFirst: boolean;
};

function scopeConditions(scope: BookingScope): SQL[] {
  const where: SQL[] = [];
  if (scope.userId !== undefined) where.push(eq(bookings.userId, scope.userId));
  if (scope.status !== undefined) where.push(eq(bookings.confirmed, scope.status));
  return where;
}

/**
 * The anchor's key is read inside the query, so timestamps keep PostgreSQL's microseconds
 * (a JS Date would round them to milliseconds and skip or repeat rows with close timestamps).
 */
function relativeTo(op: "<" | ">", anchorId: number): SQL {
  return sql`(${bookings.createdAt}, ${bookings.id}) ${sql.raw(op)} (SELECT b.created_at, b.id FROM bookings b WHERE b.id = ${anchorId})`;
}

/**
 * Whether any row lies beyond `id` in that direction. The ORDER BY matters: without it the
 * planner may scan the table from the wrong end, which on a table stored in time order (as a
 * live one is) reads almost every row before finding one.
 */
async function anyBeyond(db: Db, where: SQL[], op: "<" | ">", id: number): Promise<boolean> {
  const order = op === ">" ? [asc(bookings.createdAt), asc(bookings.id)] : [desc(bookings.createdAt), desc(bookings.id)];
  const found = await db
    .select({ one: sql`1` })
    .from(bookings)
    .where(and(...where, relativeTo(op, id)))
    .orderBy(...order)
    .limit(1);
  return found.length > 0;
}

async function firstPage(db: Db, scope: BookingScope, size: number): Promise<BookingsPage> {
  const rows = await bookingRows(db)
    .where(and(...scopeConditions(scope)))
    .orderBy(desc(bookings.createdAt), desc(bookings.id))
    .limit(size + 1);
  return { rows: rows.slice(0, size), hasNewer: false, hasOlder: rows.length > size, isFirst: true };
}

/**
 * Keyset pagination, newest first: a page costs the same at booking 1,000,000 as at booking 1,
 * and bookings arriving meanwhile neither shift nor repeat the rows an admin pages through.
 */
export async function listBookingsPage(
  db: Db,
  scope: BookingScope,
  anchor: PageAnchor,
  size: number,
): Promise<BookingsPage> {
  if (anchor.dir === "first") return firstPage(db, scope, size);
  const where = scopeConditions(scope);

  if (anchor.dir === "older") {
    const rows = await bookingRows(db)
      .where(and(...where, relativeTo("<", anchor.id)))
      .orderBy(desc(bookings.createdAt), desc(bookings.id))
      .limit(size + 1);
    if (rows.length === 0) return firstPage(db, scope, size);
    const hasNewer = await anyBeyond(db, where, ">", rows[0]!.id);
    return { rows: rows.slice(0, size), hasNewer, hasOlder: rows.length > size, isFirst: false };
  }

  const rows = await bookingRows(db)
    .where(and(...where, relativeTo(">", anchor.id)))
    .orderBy(asc(bookings.createdAt), asc(bookings.id))
    .limit(size + 1);
  // Fewer than a full page above us means this is the top: show the real first page, full.
  if (rows.length <= size) return firstPage(db, scope, size);
  const page = rows.slice(0, size).reverse();
  const hasOlder = await anyBeyond(db, where, "<", page[page.length - 1]!.id);
  return { rows: page, hasNewer: true, hasOlder, isFirst: false };
}

export type StatusCounts = { all: number } & Record<BookingStatus, number>;

/**
 * Bookings per status, from counters kept exact by triggers on `bookings`: everyone's in
 * `booking_status_counts`, one student's in `student_status_counts`. Four rows at most either way,
 * however many bookings there are (counting a student's 20,000 bookings read the heap row by row
 * wherever the table had changed since its last vacuum).
 */
export async function countBookingsByStatus(db: Db, scope: Pick<BookingScope, "userId">): Promise<StatusCounts> {
  const rows =
    scope.userId === undefined
      ? await db.select({ status: bookingStatusCounts.status, n: sql<number>`${bookingStatusCounts.n}::int` }).from(bookingStatusCounts)
      : await db
          .select({ status: studentStatusCounts.status, n: sql<number>`${studentStatusCounts.n}::int` })
          .from(studentStatusCounts)
          .where(eq(studentStatusCounts.userId, scope.userId));
  const counts: StatusCounts = { all: 0, 0: 0, 1: 0, 2: 0, [-1]: 0 };
  for (const { status, n } of rows) {
    counts.all += n;
    if (status in counts) counts[status as BookingStatus] += n;
  }
  return counts;
}

export async function getBooking(db: Db, id: number): Promise<BookingRow | undefined> {
  const [row] = await bookingRows(db).where(eq(bookings.id, id)).limit(1);
  return row;
}

/** Several bookings as getBooking reads them, in the order of `ids` (missing ones left out). */
export async function getBookings(db: Db, ids: readonly number[]): Promise<BookingRow[]> {
  if (ids.length === 0) return [];
  const rows = await bookingRows(db).where(inArray(bookings.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * Sets a booking's status if it still is `seen`, and returns it as getBooking reads it, in one
 * statement (the joined titles come from subqueries in RETURNING). Undefined: it was not `seen`
 * any more, or is gone.
 */
export async function setBookingStatus(db: Db, id: number, seen: BookingStatus, to: BookingStatus): Promise<BookingRow | undefined> {
  const [row] = await db
    .update(bookings)
    .set({ confirmed: to })
    .where(and(eq(bookings.id, id), eq(bookings.confirmed, seen)))
    .returning({
      ...getTableColumns(bookings),
      courseName: sql<string | null>`(SELECT c.name FROM courses c WHERE c.id = ${bookings.courseId})`,
      courseStartText: sql<string | null>`(SELECT c.start_date_text FROM courses c WHERE c.id = ${bookings.courseId})`,
      streamTitle: sql<string | null>`(SELECT s.title FROM streams s WHERE s.code = ${bookings.courseStream})`,
      streamStartsAt: sql<Date | null>`(SELECT s.starts_at FROM streams s WHERE s.code = ${bookings.courseStream})`.mapWith(streams.startsAt),
    });
  return row;
}

/**
 * Every booking in the scope, newest first, in batches walked by keyset: memory stays at one
 * batch however many rows there are (for the CSV export of a million bookings).
 */
export async function* iterateBookings(db: Db, scope: BookingScope, batch = 2_000): AsyncGenerator<BookingRow[]> {
  let anchor: number | undefined;
  for (;;) {
    const rows = await bookingRows(db)
      .where(and(...scopeConditions(scope), ...(anchor === undefined ? [] : [relativeTo("<", anchor)])))
      .orderBy(desc(bookings.createdAt), desc(bookings.id))
      .limit(batch);
    if (rows.length > 0) yield rows;
    if (rows.length < batch) return;
    anchor = rows[rows.length - 1]!.id;
  }
}
