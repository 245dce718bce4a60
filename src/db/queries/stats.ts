import { and, asc, count, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../client";
import { bookings, courses, outbox, streams } from "../schema";
import { countBookingsByStatus, type StatusCounts } from "./bookings";

export type StreamStats = {
  courseId: number | null;
  courseName: string | null;
  stream: string | null;
  streamTitle: string | null;
  counts: StatusCounts;
};

export type Stats = {
  counts: StatusCounts;
  newToday: number;
  newThisWeek: number;
  byStream: StreamStats[];
  delivery: { sent: number; failed: number; queued: number };
};

/**
 * The figures of /stats. "Today" starts at midnight in the display time zone; delivery counts
 * the last 30 days of messages to students.
 */
export async function loadStats(db: Db, options: { timeZone: string; now: Date }): Promise<Stats> {
  const midnight = sql`(date_trunc('day', ${options.now}::timestamptz AT TIME ZONE ${options.timeZone}) AT TIME ZONE ${options.timeZone})`;
  const perStream = db
    .select({ courseId: bookings.courseId, stream: bookings.courseStream, status: bookings.confirmed, n: count().as("n") })
    .from(bookings)
    .groupBy(bookings.courseId, bookings.courseStream, bookings.confirmed)
    .as("per_stream");
  const [counts, [fresh], grouped, deliveryRows] = await Promise.all([
    countBookingsByStatus(db, {}),
    db
      .select({
        today: sql<number>`count(*) FILTER (WHERE ${bookings.createdAt} >= ${midnight})::int`,
        week: sql<number>`count(*)::int`,
      })
      .from(bookings)
      .where(gte(bookings.createdAt, sql`${midnight} - interval '6 days'`)),
    // Counted first, named after: joining a million rows to their titles before grouping them
    // took five times as long.
    db
      .select({
        courseId: perStream.courseId,
        courseName: courses.name,
        stream: perStream.stream,
        streamTitle: streams.title,
        status: perStream.status,
        n: perStream.n,
      })
      .from(perStream)
      .leftJoin(courses, eq(courses.id, perStream.courseId))
      .leftJoin(streams, eq(streams.code, perStream.stream))
      .orderBy(asc(perStream.courseId), asc(perStream.stream)),
    db
      .select({ status: outbox.status, n: count() })
      .from(outbox)
      .where(and(gte(outbox.createdAt, sql`${options.now}::timestamptz - interval '30 days'`), sql`${outbox.kind} IN ('confirmation', 'cancellation', 'reminder', 'broadcast')`))
      .groupBy(outbox.status),
  ]);

  const byKey = new Map<string, StreamStats>();
  for (const g of grouped) {
    const key = `${g.courseId}\u0000${g.stream}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { courseId: g.courseId, courseName: g.courseName, stream: g.stream, streamTitle: g.streamTitle, counts: { all: 0, 0: 0, 1: 0, 2: 0, [-1]: 0 } };
      byKey.set(key, entry);
    }
    entry.counts.all += g.n;
    if (g.status in entry.counts) entry.counts[g.status] += g.n;
  }
  const delivery = { sent: 0, failed: 0, queued: 0 };
  for (const d of deliveryRows) if (d.status !== "merged") delivery[d.status] += d.n;
  return { counts, newToday: fresh?.today ?? 0, newThisWeek: fresh?.week ?? 0, byStream: [...byKey.values()], delivery };
}

/** One day's new bookings by status; `day` is YYYY-MM-DD in the display time zone. */
export type DayCounts = { day: string; counts: StatusCounts };

/** The calendar days ending today in `timeZone`, oldest first, as YYYY-MM-DD. */
export function calendarDays(now: Date, timeZone: string, days: number): string[] {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  const [y, m, d] = today.split("-").map(Number) as [number, number, number];
  return Array.from({ length: days }, (_, i) => new Date(Date.UTC(y, m - 1, d - (days - 1 - i))).toISOString().slice(0, 10));
}

/**
 * New bookings per day and status over the last `days` days, from one aggregation (a range scan
 * of the created_at index), with the empty days filled in.
 */
export async function loadDailyBookings(db: Db, options: { timeZone: string; now: Date; days: number }): Promise<DayCounts[]> {
  const { timeZone, now, days } = options;
  const day = sql<string>`to_char(${bookings.createdAt} AT TIME ZONE ${timeZone}, 'YYYY-MM-DD')`;
  const rows = await db
    .select({ day, status: bookings.confirmed, n: count() })
    .from(bookings)
    .where(gte(bookings.createdAt, sql`(date_trunc('day', ${now}::timestamptz AT TIME ZONE ${timeZone}) - ${days - 1} * interval '1 day') AT TIME ZONE ${timeZone}`))
    .groupBy(sql`1`, bookings.confirmed);
  const byDay = new Map(calendarDays(now, timeZone, days).map((d) => [d, { day: d, counts: { all: 0, 0: 0, 1: 0, 2: 0, [-1]: 0 } as StatusCounts }]));
  for (const row of rows) {
    const entry = byDay.get(row.day);
    if (!entry) continue;
    entry.counts.all += row.n;
    if (row.status in entry.counts) entry.counts[row.status] += row.n;
  }
  return [...byDay.values()];
}
