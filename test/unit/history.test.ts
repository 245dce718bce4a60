import { describe, expect, it } from "vitest";
import { bookingHistory, unnamedAdmins } from "../../src/bookings/history";
import type { EventRow } from "../../src/db/schema";

let nextId = 1;
const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 9, minute));
const event = (eventType: string, details: Record<string, unknown> | null, minute: number, userId = 77): EventRow => ({
  id: nextId++,
  userId,
  eventType,
  details,
  createdAt: at(minute),
});

describe("bookingHistory", () => {
  it("folds the real bot's approval and cancellation pairs into one line each, with who acted", () => {
    const rows = [
      event("booking_created", { course_id: 1, booking_id: 5 }, 0),
      event("booking_status_changed", { booking_id: 5, old_status: 0, new_status: 1 }, 1),
      event("booking_status_changed", { booking_id: 5, old_status: 1, new_status: 2 }, 2),
      event("payment_approved", { booking_id: 5, approved_by: 9001 }, 2),
      event("booking_status_changed", { booking_id: 5, old_status: 2, new_status: -1 }, 3),
      event("booking_cancelled", { booking_id: 5 }, 3),
    ];
    const history = bookingHistory(rows.reverse());
    expect(history).toEqual([
      { at: at(0), from: null, to: 0, actor: { id: 77, role: "student" } },
      { at: at(1), from: 0, to: 1 },
      { at: at(2), from: 1, to: 2, actor: { id: 9001, role: "admin" } },
      { at: at(3), from: 2, to: -1, actor: { id: 77, role: "student" } },
    ]);
    expect(unnamedAdmins(history)).toEqual([9001]);
  });

  it("keeps our own rows' actor and reason, and skips our follow-ups", () => {
    const rows = [
      event("booking_status_changed", { booking_id: 5, old_status: 0, new_status: 2, actor_id: 1001, actor_name: "Анна", actor_role: "admin", source: "admin_bot" }, 0),
      event("payment_approved", { booking_id: 5, approved_by: 1001, source: "admin_bot" }, 0),
      event("booking_status_changed", { booking_id: 5, old_status: 2, new_status: -1, actor_id: 1001, actor_name: "Анна", actor_role: "admin", reason: "нет оплаты", source: "admin_bot" }, 1),
    ];
    expect(bookingHistory(rows)).toEqual([
      { at: at(0), from: 0, to: 2, actor: { id: 1001, name: "Анна", role: "admin" } },
      { at: at(1), from: 2, to: -1, actor: { id: 1001, name: "Анна", role: "admin" }, reason: "нет оплаты" },
    ]);
  });

  it("shows a follow-up alone, with an unknown previous status, when no change sits right before it", () => {
    const rows = [event("booking_status_changed", { booking_id: 5, old_status: 0, new_status: 2 }, 0), event("payment_approved", { booking_id: 5, approved_by: 9001 }, 30)];
    expect(bookingHistory(rows)).toEqual([
      { at: at(0), from: 0, to: 2 },
      { at: at(30), from: undefined, to: 2, actor: { id: 9001, role: "admin" } },
    ]);
  });

  it("ignores rows it cannot read, and other event types", () => {
    const rows = [
      event("booking_status_changed", { booking_id: 5, old_status: "x", new_status: null }, 0),
      event("booking_status_changed", null, 1),
      event("payment_proof_uploaded", { booking_id: 5 }, 2),
      event("booking_status_changed", { booking_id: "5", old_status: "1", new_status: "2" }, 3),
    ];
    expect(bookingHistory(rows)).toEqual([{ at: at(3), from: 1, to: 2 }]);
  });
});
