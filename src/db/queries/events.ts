import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { events, type BookingStatus, type EventRow } from "../schema";

/** An event row as written (the real bot's format: src/bookings/events.ts builds ours). */
export type NewEvent = typeof events.$inferInsert;

/** Inserts events and returns their ids, in order. */
export async function insertEvents(db: Db, rows: NewEvent[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const inserted = await db.insert(events).values(rows).returning({ id: events.id });
  return inserted.map((r) => r.id);
}

/** Rows about one booking (`details ? 'booking_id'` lets PostgreSQL use the partial index). */
const aboutBooking = (bookingId: number) =>
  and(sql`${events.details} ? 'booking_id'`, eq(sql`${events.details} ->> 'booking_id'`, String(bookingId)));

/** The newest events about a booking, newest first. */
export function listBookingEvents(db: Db, bookingId: number, limit = 30): Promise<EventRow[]> {
  return db.select().from(events).where(aboutBooking(bookingId)).orderBy(desc(events.id)).limit(limit);
}

/**
 * The status a cancelled booking had before its latest cancellation, from either bot's
 * `booking_status_changed`; undefined when no event says (the dashboard writes none).
 */
export async function statusBeforeCancel(db: Db, bookingId: number): Promise<BookingStatus | undefined> {
  const [last] = await db
    .select({ old: sql<number | null>`(${events.details} ->> 'old_status')::int` })
    .from(events)
    .where(
      and(
        aboutBooking(bookingId),
        eq(events.eventType, "booking_status_changed"),
        sql`${events.details} ->> 'new_status' = '-1'`,
        sql`${events.details} ->> 'old_status' IN ('0', '1', '2')`,
      ),
    )
    .orderBy(desc(events.id))
    .limit(1);
  return last?.old === null || last?.old === undefined ? undefined : (last.old as BookingStatus);
}
