import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { outbox } from "../schema";

/** The messages sent (or owed) to the student about a booking, newest first. */
export function listBookingMessages(db: Db, bookingId: number, limit = 10) {
  return db
    .select({
      id: outbox.id,
      kind: outbox.kind,
      status: outbox.status,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      createdAt: outbox.createdAt,
      sentAt: outbox.sentAt,
    })
    .from(outbox)
    .where(and(eq(outbox.bookingId, bookingId), inArray(outbox.kind, ["booking_accepted", "confirmation", "cancellation", "reminder", "payment_instructions"])))
    .orderBy(desc(outbox.id))
    .limit(limit);
}

export type BookingMessageRow = Awaited<ReturnType<typeof listBookingMessages>>[number];
