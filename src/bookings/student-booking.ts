import type { Db } from "../db/client";
import { getBooking, type BookingRow } from "../db/queries/bookings";
import { checkCoupon, recordCouponUse, returnCoupon, takeCoupon, type CouponCheck } from "../db/queries/coupon-use";
import { insertEvents } from "../db/queries/events";
import { bookingCreatedEvent } from "./events";
import { enqueue, type OutgoingMessage } from "../db/queries/outbox";
import {
  dropBookingDiscount,
  hasLiveBooking,
  insertBooking,
  isStreamOpen,
  lockStudentBookings,
  pendingCouponCode,
  upsertStudent,
  type StudentProfile,
} from "../db/queries/student-bookings";
import { parseReferralParam } from "./coupon-rules";
import { paymentInstructions, type Payment } from "./payment-instructions";

export type { StudentProfile } from "../db/queries/student-bookings";

export type Registration = { coupon?: CouponCheck & { code: string } };

/**
 * Records (or refreshes) a student who wrote to the bot, and remembers a valid coupon from a
 * `/start ref_<CODE>` link for their next booking; says what became of the coupon.
 */
export async function registerStudent(db: Db, profile: StudentProfile, startParam = ""): Promise<Registration> {
  const code = parseReferralParam(startParam);
  const check = code ? await checkCoupon(db, code, profile.id) : undefined;
  await db.transaction((tx) => upsertStudent(tx, profile, check?.kind === "valid" ? check.coupon.code : undefined));
  return code && check ? { coupon: { ...check, code } } : {};
}

export type BookingAttempt =
  | { kind: "created"; booking: BookingRow; payment: Payment }
  | { kind: "duplicate" }
  | { kind: "closed" };

/**
 * A student books a stream: one transaction writes the booking (status 0, with the discount of
 * the coupon they brought, if it is still valid), its `booking_created` event, the student's
 * answer (the booking accepted, how and where to pay) and a notice to the admins. One live booking per student and stream is
 * our rule, not the database's (the real bot books twice on a double press, and a unique index
 * would crash it): a transaction-level advisory lock per student serialises our booking path
 * across processes, so the check below cannot race, and the coupon is taken at most once per
 * student.
 */
export async function createStudentBooking(
  db: Db,
  request: {
    student: StudentProfile;
    courseId: number;
    streamCode: string;
    /** For the start date in the payment instructions. */
    timeZone: string;
    /** The student's answer: the booking accepted, with what to pay and how (built by the bot layer, in their language). */
    studentMessages: (booking: BookingRow, payment: Payment) => OutgoingMessage[];
    /** The admins' notices about the new booking, queued in the same transaction. */
    adminNotice: (booking: BookingRow) => OutgoingMessage[];
  },
): Promise<BookingAttempt> {
  const { student, courseId, streamCode } = request;
  return db.transaction(async (tx) => {
    await lockStudentBookings(tx, student.id);
    if (!(await isStreamOpen(tx, courseId, streamCode))) return { kind: "closed" } as const;
    if (await hasLiveBooking(tx, student.id, courseId, streamCode)) return { kind: "duplicate" } as const;

    const pending = await pendingCouponCode(tx, student.id);
    const coupon = pending ? await takeCoupon(tx, pending, student.id) : undefined;
    const created = await insertBooking(tx, { student, courseId, streamCode, ...(coupon ? { coupon } : {}) });
    if (coupon && !(await recordCouponUse(tx, { couponId: coupon.id, userId: student.id, bookingId: created.id }))) {
      // The real bot recorded this student's use of the coupon at the same moment: no second discount.
      await returnCoupon(tx, coupon.id);
      await dropBookingDiscount(tx, created.id);
    }
    await insertEvents(tx, [bookingCreatedEvent(created)]);
    const booking = (await getBooking(tx, created.id))!;
    const payment = await paymentInstructions(tx, booking, request.timeZone);
    await enqueue(tx, [...request.studentMessages(booking, payment), ...request.adminNotice(booking)]);
    return { kind: "created", booking, payment } as const;
  });
}
