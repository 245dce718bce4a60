import type { Db } from "../db/client";
import { getBooking, setBookingStatus, type BookingRow } from "../db/queries/bookings";
import { insertEvents } from "../db/queries/events";
import { paymentProofEvent, statusChangeEvents } from "./events";
import { coursePriceCents, insertProof, lockProofTarget } from "../db/queries/payment-proofs";
import type { PaymentProof } from "../db/schema";
import { queueProof } from "../db/queries/proof-queue";
import { priceOf, type Price } from "./payment-instructions";
import { lockStudentBookings, type StudentProfile } from "../db/queries/student-bookings";

export type ProofFile = { kind: "photo" | "document"; fileId: string; fileUniqueId?: string | null };

/** What the admins are told about a proof (built by the bot layer, in their languages). */
export type ProofNotice = { booking: BookingRow; proof: PaymentProof; moved: boolean; price: Price };

export type ProofResult =
  | ({ kind: "moved" | "added" } & ProofNotice)
  | { kind: "no-booking" };

/**
 * A student sent a photo or a PDF of their payment. One transaction, under the student's booking
 * lock: the proof is stored with their newest booking waiting for payment, which moves 0 → 1
 * (the real bot's `payment_proof_uploaded` then `booking_status_changed`, ours with who and which
 * file), and the booking joins the admins' review queue (a booking already at 1 keeps the extra
 * file without a status change, and its place in the queue). With neither, nothing is written.
 */
export async function recordPaymentProof(db: Db, request: { student: Pick<StudentProfile, "id" | "firstName">; file: ProofFile }): Promise<ProofResult> {
  const { student, file } = request;
  return db.transaction(async (tx) => {
    await lockStudentBookings(tx, student.id);
    const target = await lockProofTarget(tx, student.id);
    if (!target) return { kind: "no-booking" } as const;
    const proof = await insertProof(tx, { bookingId: target.id, userId: student.id, kind: file.kind, fileId: file.fileId, fileUniqueId: file.fileUniqueId ?? null });
    const moved = target.confirmed === 0;
    // The row is locked and was 0, so the guarded update cannot miss.
    const booking = moved ? await setBookingStatus(tx, target.id, 0, 1) : await getBooking(tx, target.id);
    if (!booking) throw new Error(`booking ${target.id} vanished under its lock`);
    await insertEvents(tx, [
      paymentProofEvent(booking, proof),
      ...(moved ? statusChangeEvents({ booking, from: 0, to: 1, actor: { id: student.id, name: student.firstName, role: "student" } }) : []),
    ]);
    await queueProof(tx, booking.id);
    const notice: ProofNotice = { booking, proof, moved, price: priceOf(await coursePriceCents(tx, booking.courseId), booking.discountPercent) };
    return { kind: moved ? "moved" : "added", ...notice } as const;
  });
}
