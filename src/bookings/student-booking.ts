import { and, asc, desc, eq, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { bookingEvents, bookings, courses, referralCodes, streams, users } from "../db/schema";
import { getBooking, type BookingRow } from "../db/queries/bookings";
import { enqueue, type OutgoingMessage } from "../delivery/outbox";

export type StudentProfile = {
  id: number;
  username?: string | undefined;
  firstName: string;
  lastName?: string | undefined;
  languageCode?: string | undefined;
};

/** Telegram deep-link parameters: 1–64 of A–Z a–z 0–9 _ -. */
export const REFERRAL_PARAM = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Records (or refreshes) a student who wrote to the bot, remembering a valid referral code from
 * a `/start <code>` link. Returns the code's discount when it is known and active.
 */
export async function registerStudent(
  db: Db,
  profile: StudentProfile,
  referral?: string,
): Promise<{ referral?: { code: string; discountPercent: number } }> {
  const [code] = referral
    ? await db
        .select()
        .from(referralCodes)
        .where(and(eq(sql`upper(${referralCodes.code})`, referral.toUpperCase()), eq(referralCodes.isActive, true)))
        .limit(1)
    : [];
  const fields = {
    username: profile.username ?? null,
    firstName: profile.firstName,
    lastName: profile.lastName ?? null,
    languageCode: profile.languageCode ?? null,
    updatedAt: new Date(),
  };
  await db
    .insert(users)
    .values({ userId: profile.id, ...fields, ...(code ? { referralCode: code.code } : {}) })
    .onConflictDoUpdate({
      target: users.userId,
      // Writing to the bot again proves the chat works: it is reachable again.
      set: { ...fields, unreachableAt: null, unreachableReason: null, ...(code ? { referralCode: code.code } : {}) },
    });
  return code ? { referral: { code: code.code, discountPercent: code.discountPercent } } : {};
}

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
    .innerJoin(courses, or(eq(courses.id, streams.courseId), isNull(streams.courseId)))
    .where(and(eq(streams.isOpen, true), eq(courses.isActive, true)))
    .orderBy(asc(courses.id), asc(streams.startsAt), asc(streams.code));
}

export type OpenStream = Awaited<ReturnType<typeof listOpenStreams>>[number];

export type BookingAttempt =
  | { kind: "created"; booking: BookingRow }
  | { kind: "duplicate" }
  | { kind: "closed" };

const isUniqueViolation = (error: unknown): boolean => {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
};

/**
 * A student books a stream: one transaction writes the booking (status 0, with the student's
 * referral discount), its audit row, and a notice to every admin. The unique index
 * bookings_one_active_per_stream turns a second attempt, even at the same instant, into
 * `duplicate`; the explicit check covers adopted databases that could not get the index.
 */
export async function createStudentBooking(
  db: Db,
  request: {
    student: StudentProfile;
    courseId: number;
    streamCode: string;
    /** The admins' notices about the new booking, queued in the same transaction. */
    adminNotice: (booking: BookingRow) => OutgoingMessage[];
  },
): Promise<BookingAttempt> {
  const { student, courseId, streamCode } = request;
  try {
    return await db.transaction(async (tx) => {
      const [open] = await (tx as Db)
        .select({ code: streams.code })
        .from(streams)
        .innerJoin(courses, or(eq(courses.id, streams.courseId), isNull(streams.courseId)))
        .where(and(eq(streams.code, streamCode), eq(courses.id, courseId), eq(streams.isOpen, true), eq(courses.isActive, true)))
        .limit(1);
      if (!open) return { kind: "closed" } as const;

      const [existing] = await tx
        .select({ id: bookings.id })
        .from(bookings)
        .where(and(eq(bookings.userId, student.id), eq(bookings.courseId, courseId), eq(bookings.courseStream, streamCode), ne(bookings.confirmed, -1)))
        .limit(1);
      if (existing) return { kind: "duplicate" } as const;

      const [known] = await tx
        .select({ code: referralCodes.code, discount: referralCodes.discountPercent })
        .from(users)
        .innerJoin(referralCodes, and(eq(referralCodes.code, users.referralCode), eq(referralCodes.isActive, true)))
        .where(eq(users.userId, student.id))
        .limit(1);
      const [created] = await tx
        .insert(bookings)
        .values({
          userId: student.id,
          username: student.username ?? null,
          firstName: student.firstName,
          courseId,
          courseStream: streamCode,
          confirmed: 0,
          referralCode: known?.code ?? null,
          discountPercent: known?.discount ?? 0,
        })
        .returning({ id: bookings.id });
      const bookingId = created!.id;
      await tx.insert(bookingEvents).values({
        bookingId,
        actorId: student.id,
        actorName: student.firstName,
        actorRole: "student",
        fromStatus: null,
        toStatus: 0,
      });
      const booking = (await getBooking(tx, bookingId))!;
      await enqueue(tx, request.adminNotice(booking));
      return { kind: "created", booking } as const;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { kind: "duplicate" };
    throw error;
  }
}

/** A student's own bookings, newest first (for "my bookings"). */
export function listOwnBookings(db: Db, userId: number, limit = 10) {
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
    .leftJoin(streams, eq(streams.code, bookings.courseStream))
    .where(eq(bookings.userId, userId))
    .orderBy(desc(bookings.createdAt), desc(bookings.id))
    .limit(limit);
}

export type OwnBooking = Awaited<ReturnType<typeof listOwnBookings>>[number];
