import type { NewEvent } from "../db/queries/events";
import type { BookingStatus } from "../db/schema";

/**
 * A booking's history lives in the real bot's `events` table, in its format, so both bots and the
 * dashboard's activity views see every change. Ours add who acted and why (`actor_*`, `reason`)
 * and `source: "admin_bot"`; the real bot's rows have no actor, except `payment_approved`'s
 * `approved_by`.
 */
export const STATUS_EVENT_NAME: Record<BookingStatus, string> = { 0: "pending", 1: "payment_uploaded", 2: "approved", [-1]: "cancelled" };

export type EventActor = { id: number; name: string | null; role: "admin" | "student" };

/** The booking fields an event carries (the real bot adds the student's username and first name). */
export type EventBooking = { id: number; userId: number; username: string | null; firstName: string | null; courseId: number | null };

function studentFields(booking: EventBooking) {
  return { ...(booking.username ? { username: booking.username } : {}), ...(booking.firstName ? { first_name: booking.firstName } : {}) };
}

function ours(actor: EventActor, reason?: string | null) {
  return { actor_id: actor.id, actor_name: actor.name, actor_role: actor.role, ...(reason ? { reason } : {}), source: "admin_bot" };
}

/**
 * The rows the real bot writes for a status change: `booking_status_changed`, then
 * `payment_approved` when an admin confirms, or `booking_cancelled` when the student cancels.
 */
export function statusChangeEvents(change: { booking: EventBooking; from: BookingStatus; to: BookingStatus; actor: EventActor; reason?: string | null }): NewEvent[] {
  const { booking, from, to, actor } = change;
  const rows: NewEvent[] = [
    {
      userId: booking.userId,
      eventType: "booking_status_changed",
      details: {
        booking_id: booking.id,
        old_status: from,
        new_status: to,
        old_status_name: STATUS_EVENT_NAME[from],
        new_status_name: STATUS_EVENT_NAME[to],
        ...studentFields(booking),
        ...ours(actor, change.reason),
      },
    },
  ];
  if (to === 2 && actor.role === "admin") {
    rows.push({ userId: booking.userId, eventType: "payment_approved", details: { booking_id: booking.id, approved_by: actor.id, source: "admin_bot" } });
  }
  if (to === -1 && actor.role === "student") {
    rows.push({ userId: booking.userId, eventType: "booking_cancelled", details: { booking_id: booking.id, ...studentFields(booking), source: "admin_bot" } });
  }
  return rows;
}

export function bookingCreatedEvent(booking: EventBooking): NewEvent {
  return {
    userId: booking.userId,
    eventType: "booking_created",
    details: { course_id: booking.courseId, booking_id: booking.id, ...studentFields(booking), source: "admin_bot" },
  };
}

/**
 * The real bot's `payment_proof_uploaded` (its details are empty); ours say which booking and
 * file, so a booking's history and the dashboard's activity view can tell them apart.
 */
export function paymentProofEvent(booking: EventBooking, proof: { id: number; kind: string }): NewEvent {
  return {
    userId: booking.userId,
    eventType: "payment_proof_uploaded",
    details: { booking_id: booking.id, proof_id: proof.id, file_kind: proof.kind, ...studentFields(booking), source: "admin_bot" },
  };
}

/**
 * The real bot's event for any other message from a student with a live booking:
 * `student_response` once it is confirmed, `alternative_payment_proof` before; its details
 * `{message_type, booking_status, message_text}`, ours also with the booking and the source.
 */
export function studentMessageEvent(
  student: { id: number; username?: string | null | undefined; firstName?: string | null | undefined },
  booking: { id: number; confirmed: number },
  message: { type: string; text: string | null },
): NewEvent {
  return {
    userId: student.id,
    eventType: booking.confirmed === 2 ? "student_response" : "alternative_payment_proof",
    details: {
      message_type: message.type,
      booking_status: booking.confirmed,
      message_text: message.text,
      booking_id: booking.id,
      ...(student.username ? { username: student.username } : {}),
      ...(student.firstName ? { first_name: student.firstName } : {}),
      source: "admin_bot",
    },
  };
}
