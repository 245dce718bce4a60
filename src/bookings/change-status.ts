import type { Db } from "../db/client";
import { getBooking, setBookingStatus, type BookingRow } from "../db/queries/bookings";
import { insertEvents, statusBeforeCancel } from "../db/queries/events";
import { statusChangeEvents, type EventActor } from "./events";
import type { BookingStatus } from "../db/schema";
import { enqueue } from "../db/queries/outbox";
import { syncProofQueue } from "../db/queries/proof-queue";
import { loadTemplate, renderTemplate, type TemplateKind } from "../bookings/templates";
import { bookingTemplateValues } from "./template-values";

/**
 * The allowed transitions, and the message each sends the student. Restore returns a cancelled
 * booking to the status it had before (from either bot's events; "new" when none says).
 */
export const STATUS_ACTIONS = {
  confirm: { from: [0, 1], to: 2, notify: "confirmation" },
  pending: { from: [0], to: 1, notify: undefined },
  cancel: { from: [0, 1, 2], to: -1, notify: "cancellation" },
  restore: { from: [-1], to: undefined, notify: undefined },
} as const satisfies Record<string, { from: readonly BookingStatus[]; to?: BookingStatus; notify?: TemplateKind }>;

export type StatusAction = keyof typeof STATUS_ACTIONS;

export const isActionAllowed = (action: StatusAction, status: number): boolean =>
  (STATUS_ACTIONS[action].from as readonly number[]).includes(status);

export type Actor = EventActor;

export type ChangeRequest = {
  bookingId: number;
  action: StatusAction;
  /** The status the admin was looking at: the change happens only if it is still that. */
  seen: BookingStatus;
  actor: Actor;
  reason?: string | null;
  timeZone: string;
  /** False when the student acts themselves: they see the result in the chat already. */
  notifyStudent?: boolean;
};

export type ChangeResult =
  | { kind: "changed"; booking: BookingRow; from: BookingStatus; to: BookingStatus; notified: boolean }
  | { kind: "stale"; booking: BookingRow }
  | { kind: "not-allowed"; booking: BookingRow }
  | { kind: "not-found" };

class Stale extends Error {}

/**
 * One transaction: the update guarded on the status the actor saw, the events in the real bot's
 * format (our audit trail, with who acted and why), and the student's message in the outbox.
 * Two admins pressing at once: exactly one changes it, the other gets `stale` with the booking
 * as it now is.
 */
export async function changeBookingStatus(db: Db, request: ChangeRequest): Promise<ChangeResult> {
  const { bookingId, action, seen, actor } = request;
  const rule = STATUS_ACTIONS[action];
  try {
    return await db.transaction(async (tx) => {
      if (!isActionAllowed(action, seen)) {
        const booking = await getBooking(tx, bookingId);
        if (!booking) return { kind: "not-found" } as const;
        return booking.confirmed === seen ? ({ kind: "not-allowed", booking } as const) : ({ kind: "stale", booking } as const);
      }
      const to: BookingStatus = rule.to ?? (await statusBeforeCancel(tx, bookingId)) ?? 0;
      const booking = await setBookingStatus(tx, bookingId, seen, to);
      if (!booking) throw new Stale();

      const reason = request.reason?.trim() || null;
      const [eventId] = await insertEvents(tx, statusChangeEvents({ booking, from: seen, to, actor, reason }));
      // A receipt is reviewed once its booking leaves 1; restored to 1, it waits again.
      await syncProofQueue(tx, bookingId, seen, to);

      let notified = false;
      if (rule.notify && request.notifyStudent !== false) {
        const template = await loadTemplate(tx, rule.notify);
        notified =
          (await enqueue(tx, [
            {
              dedupeKey: `booking:${bookingId}:ev:${eventId}`,
              kind: rule.notify,
              chatId: booking.userId,
              text: renderTemplate(template.body, bookingTemplateValues(booking, request.timeZone, reason)),
              bookingId,
            },
          ])) > 0;
      }
      return { kind: "changed", booking, from: seen, to, notified } as const;
    });
  } catch (error) {
    if (!(error instanceof Stale)) throw error;
    const booking = await getBooking(db, bookingId);
    return booking ? { kind: "stale", booking } : { kind: "not-found" };
  }
}
