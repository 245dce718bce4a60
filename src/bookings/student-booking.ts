import { and, asc, desc, eq, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { blockedUsers, bookings, courses, referralCoupons, streams, users } from "../db/schema";
import { getBooking, type BookingRow } from "../db/queries/bookings";
import { bookingCreatedEvent, insertEvents } from "../db/queries/events";
import { enqueue, type OutgoingMessage } from "../delivery/outbox";
import { paymentInstructions, type Price } from "./payment-instructions";
import { checkCoupon, parseReferralParam, recordCouponUse, takeCoupon, type CouponCheck } from "./referrals";

export type StudentProfile = {
  id: number;
  username?: string | undefined;
  firstName: string;
  lastName?: string | undefined;
  languageCode?: string | undefined;
};

export type Registration = { coupon?: CouponCheck & { code: string } };

/**
 * Records (or refreshes) a student who wrote to the bot, as the real bot's users upsert does, and
 * remembers a valid coupon from a `/start ref_<CODE>` link for their next booking. Writing to the
 * bot proves the chat works, so they leave `blocked_users`.
 */
export async function registerStudent(db: Db, profile: StudentProfile, startParam = ""): Promise<Registration> {
  const code = parseReferralParam(startParam);
  const check = code ? await checkCoupon(db, code, profile.id) : undefined;
  const valid = check?.kind === "valid" ? check.coupon.code : undefined;
  const fields = {
    username: profile.username ?? null,
    firstName: profile.firstName,
    lastName: profile.lastName ?? null,
    languageCode: profile.languageCode ?? null,
    // The database's now(): the real table's timestamps have no zone and hold the server's local time.
    updatedAt: sql`now()`,
    ...(valid ? { referralCode: valid } : {}),
  };
  await db.transaction(async (tx) => {
    await tx.insert(users).values({ userId: profile.id, ...fields }).onConflictDoUpdate({ target: users.userId, set: fields });
    await tx.delete(blockedUsers).where(eq(blockedUsers.userId, profile.id));
  });
  return code && check ? { coupon: { ...check, code } } : {};
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
  /** `instructed`: the student's payment instructions are queued (not when nothing is due). */
  | { kind: "created"; booking: BookingRow; price: Price; instructed: boolean }
  | { kind: "duplicate" }
  | { kind: "closed" };

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
 * A student books a stream: one transaction writes the booking (status 0, with the discount of
 * the coupon they brought, if it is still valid), its `booking_created` event, the student's
 * payment instructions and a notice to the admins. One live booking per student and stream is our rule, not the database's (the real
 * bot books twice on a double press, and a unique index would crash it): a transaction-level
 * advisory lock per student serialises our booking path across processes, so the check below
 * cannot race, and the coupon is taken at most once per student.
 */
export async function createStudentBooking(
  db: Db,
  request: {
    student: StudentProfile;
    courseId: number;
    streamCode: string;
    /** For the start date in the payment instructions. */
    timeZone: string;
    /** The admins' notices about the new booking, queued in the same transaction. */
    adminNotice: (booking: BookingRow) => OutgoingMessage[];
  },
): Promise<BookingAttempt> {
  const { student, courseId, streamCode } = request;
  return db.transaction(async (tx) => {
    await lockStudentBookings(tx, student.id);
    const [open] = await tx
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

    const [pending] = await tx.select({ code: users.referralCode }).from(users).where(eq(users.userId, student.id)).limit(1);
    const coupon = pending?.code ? await takeCoupon(tx, pending.code, student.id) : undefined;
    const [created] = await tx
      .insert(bookings)
      .values({
        userId: student.id,
        username: student.username ?? null,
        firstName: student.firstName,
        courseId,
        courseStream: streamCode,
        confirmed: 0,
        referralCode: coupon?.code ?? null,
        discountPercent: coupon?.discountPercent ?? 0,
      })
      .returning({ id: bookings.id, userId: bookings.userId, username: bookings.username, firstName: bookings.firstName, courseId: bookings.courseId });
    if (coupon && !(await recordCouponUse(tx, { couponId: coupon.id, userId: student.id, bookingId: created!.id }))) {
      // The real bot recorded this student's use of the coupon at the same moment: no second discount.
      await tx.update(referralCoupons).set({ currentActivations: sql`${referralCoupons.currentActivations} - 1` }).where(eq(referralCoupons.id, coupon.id));
      await tx.update(bookings).set({ referralCode: null, discountPercent: 0 }).where(eq(bookings.id, created!.id));
    }
    await insertEvents(tx, [bookingCreatedEvent(created!)]);
    const booking = (await getBooking(tx, created!.id))!;
    const payment = await paymentInstructions(tx, booking, request.timeZone);
    await enqueue(tx, [...payment.messages, ...request.adminNotice(booking)]);
    return { kind: "created", booking, price: payment.price, instructed: payment.messages.length > 0 } as const;
  });
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
