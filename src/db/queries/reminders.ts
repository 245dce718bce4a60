import { and, eq, gt, lte, notExists, sql } from "drizzle-orm";
import type { Db } from "../client";
import { bookings, courses, outbox, streams } from "../schema";
import { bookingRowColumns, type BookingRow } from "./bookings";

/** The outbox key of a reminder: one per booking and start date (a moved stream reminds again). */
export const reminderKey = (bookingId: number, startsAt: Date) => `reminder:${bookingId}:${startsAt.getTime()}`;

/**
 * Confirmed bookings whose stream starts after `now` and by `horizon`, and whose reminder for
 * that start date is not queued yet.
 */
export function listDueReminders(db: Db, window: { now: Date; horizon: Date; batch: number }): Promise<BookingRow[]> {
  return db
    .select(bookingRowColumns)
    .from(bookings)
    .innerJoin(streams, eq(streams.code, bookings.courseStream))
    .leftJoin(courses, eq(courses.id, bookings.courseId))
    .where(
      and(
        eq(bookings.confirmed, 2),
        gt(streams.startsAt, window.now),
        lte(streams.startsAt, window.horizon),
        notExists(
          db
            .select({ one: sql`1` })
            .from(outbox)
            .where(and(eq(outbox.bookingId, bookings.id), eq(outbox.kind, "reminder"), eq(outbox.dedupeKey, sql`'reminder:' || ${bookings.id} || ':' || floor(extract(epoch from ${streams.startsAt}) * 1000)::bigint`))),
        ),
      ),
    )
    .limit(window.batch);
}
