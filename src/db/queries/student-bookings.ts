import { and, asc, desc, eq, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { blockedUsers, bookings, courses, streams, users } from "../schema";

/** The student-side SQL: the users upsert as the real bot does it, the open streams, a booking. */

export type StudentProfile = {
  id: number;
  username?: string | undefined;
  firstName: string;
  lastName?: string | undefined;
  languageCode?: string | undefined;
};

/**
 * Records (or refreshes) a student, as the real bot's users upsert does, with the coupon code
 * they brought (if any); writing to the bot proves the chat works, so they leave blocked_users.
 */
export async function upsertStudent(tx: Db, profile: StudentProfile, couponCode: string | undefined): Promise<void> {
  const fields = {
    username: profile.username ?? null,
    firstName: profile.firstName,
    lastName: profile.lastName ?? null,
    languageCode: profile.languageCode ?? null,
    // The database's now(): the real table's timestamps have no zone and hold the server's local time.
    updatedAt: sql`now()`,
    ...(couponCode ? { referralCode: couponCode } : {}),
  };
  await tx.insert(users).values({ userId: profile.id, ...fields }).onConflictDoUpdate({ target: users.userId, set: fields });
  await tx.delete(blockedUsers).where(eq(blockedUsers.userId, profile.id));
}

/** The coupon code a student brought with their last `/start` link, if any. */
export async function pendingCouponCode(tx: Db, studentId: number): Promise<string | undefined> {
  const [row] = await tx.select({ code: users.referralCode }).from(users).where(eq(users.userId, studentId)).limit(1);
  return row?.code ?? undefined;
}

const streamOffered = or(eq(courses.id, streams.courseId), isNull(streams.courseId));

/** Streams open for booking, with their course: what /start offers. */
export function listOpenStreams(db: Db) {
  return db
    .select({
      courseId: courses.id,
      courseName: courses.name,
      streamCode: streams.code,
      streamTitle: streams.title,
      startsAt: streams.startsAt,
    })
    .from(streams)
    .innerJoin(courses, streamOffered)
    .where(and(eq(streams.isOpen, true), eq(courses.isActive, true)))
    .orderBy(asc(courses.id), asc(streams.startsAt), asc(streams.code));
}

export type OpenStream = Awaited<ReturnType<typeof listOpenStreams>>[number];

export async function isStreamOpen(tx: Db, courseId: number, streamCode: string): Promise<boolean> {
  const [open] = await tx
    .select({ code: streams.code })
    .from(streams)
    .innerJoin(courses, streamOffered)
    .where(and(eq(streams.code, streamCode), eq(courses.id, courseId), eq(streams.isOpen, true), eq(courses.isActive, true)))
    .limit(1);
  return open !== undefined;
}

/** Whether the student holds a live (not cancelled) booking of this course and stream. */
export async function hasLiveBooking(tx: Db, studentId: number, courseId: number, streamCode: string): Promise<boolean> {
  const [existing] = await tx
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.userId, studentId), eq(bookings.courseId, courseId), eq(bookings.courseStream, streamCode), ne(bookings.confirmed, -1)))
    .limit(1);
  return existing !== undefined;
}

/** A new booking (status 0), as the real bot inserts one; the fields an event carries come back. */
export async function insertBooking(
  tx: Db,
  booking: { student: StudentProfile; courseId: number; streamCode: string; coupon?: { code: string; discountPercent: number } },
) {
  const [created] = await tx
    .insert(bookings)
    .values({
      userId: booking.student.id,
      username: booking.student.username ?? null,
      firstName: booking.student.firstName,
      courseId: booking.courseId,
      courseStream: booking.streamCode,
      confirmed: 0,
      referralCode: booking.coupon?.code ?? null,
      discountPercent: booking.coupon?.discountPercent ?? 0,
    })
    .returning({ id: bookings.id, userId: bookings.userId, username: bookings.username, firstName: bookings.firstName, courseId: bookings.courseId });
  return created!;
}

export async function dropBookingDiscount(tx: Db, bookingId: number): Promise<void> {
  await tx.update(bookings).set({ referralCode: null, discountPercent: 0 }).where(eq(bookings.id, bookingId));
}

/** Namespace of our advisory locks on a student's bookings (the other key is the student). */
const BOOKING_LOCK = 727_002;

/**
 * Serialises our writes to one student's bookings (a booking, a payment proof) across processes,
 * until the transaction ends.
 */
export async function lockStudentBookings(tx: Db, studentId: number): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${BOOKING_LOCK}, hashtext(${String(studentId)}))`);
}

/**
 * Bookings with their course's and stream's names, as a student sees them (either may be gone
 * or renamed by the dashboard: left joins), for the caller's WHERE, ORDER BY and LIMIT.
 */
export function bookingsWithTitles(db: Db) {
  return db
    .select({
      id: bookings.id,
      confirmed: bookings.confirmed,
      courseId: bookings.courseId,
      courseName: courses.name,
      courseStream: bookings.courseStream,
      streamTitle: streams.title,
      createdAt: bookings.createdAt,
    })
    .from(bookings)
    .leftJoin(courses, eq(courses.id, bookings.courseId))
    .leftJoin(streams, eq(streams.code, bookings.courseStream));
}

/** A student's own bookings, newest first (for "my bookings"). */
export function listOwnBookings(db: Db, userId: number, limit = 10) {
  return bookingsWithTitles(db)
    .where(eq(bookings.userId, userId))
    .orderBy(desc(bookings.createdAt), desc(bookings.id))
    .limit(limit);
}

export type OwnBooking = Awaited<ReturnType<typeof listOwnBookings>>[number];
