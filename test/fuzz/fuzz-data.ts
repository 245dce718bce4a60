import type { User } from "grammy/types";
import type { Database } from "../../src/db/client";
import { events, freeLessonRegistrations, messageHistory, outbox, paymentProofs, referralCoupons, streams, users } from "../../src/db/schema";
import { addBookings, addCourse } from "../helpers/fixtures";
import { ADMIN } from "../helpers/updates";

/** A non-admin with bookings of their own (one confirmed on the open stream, one cancelled). */
export const STUDENT: User = { id: 777_000_111, is_bot: false, first_name: "Ира <b>&", username: "ira_student", language_code: "ru" };

export const OPEN_STREAM = { courseId: 1, code: "7th_stream" };

export type FuzzData = {
  /** Booking id → status; the fuzz must never change it. */
  status: Map<number, number>;
  /** Booking id → owner. */
  owner: Map<number, number>;
  /** The booking with a payment proof (a pending one of another student). */
  proofOf: number;
};

/**
 * Courses, streams (one open), students (with HTML and emoji in their names), bookings in every
 * status, history with reasons, queued and failed messages, and a broadcast: every list, card
 * and student screen has something to render.
 */
export async function seedFuzzData(database: Database): Promise<FuzzData> {
  const { db } = database;
  await addCourse(db, 1, "Вайб кодинг");
  await addCourse(db, 2, "Курс <script>alert(1)</script> & «ёлки»");
  await addCourse(db, 3, null as unknown as string);
  // The migrations list the real system's streams (all closed); one is opened here.
  for (const stream of [
    { code: OPEN_STREAM.code, title: "7-й поток", courseId: 1, isOpen: true, startsAt: new Date("2026-12-01T16:00:00Z") },
    { code: "8th_stream", title: "8-й <поток> & co", courseId: 2, isOpen: false, startsAt: null },
    { code: "any:stream/x", title: "Общий 🧪", courseId: null, isOpen: false, startsAt: null },
  ]) {
    await db.insert(streams).values(stream).onConflictDoUpdate({ target: streams.code, set: stream });
  }
  await db.insert(users).values([
    { userId: STUDENT.id, username: STUDENT.username!, firstName: STUDENT.first_name, languageCode: "ru" },
    { userId: 5001, username: "under_score", firstName: "‮RTL‮ Мастер 👨‍👩‍👧", lastName: "O'Brien" },
    { userId: 9_007_199_254_740_991, username: null, firstName: "Max safe id" },
  ]);
  const rows = [
    { userId: STUDENT.id, username: STUDENT.username!, firstName: STUDENT.first_name, courseId: 1, courseStream: OPEN_STREAM.code, confirmed: 2 as const },
    { userId: STUDENT.id, username: STUDENT.username!, firstName: STUDENT.first_name, courseId: 2, courseStream: "8th_stream", confirmed: -1 as const },
    ...Array.from({ length: 14 }, (_, i) => ({
      userId: 5000 + (i % 5),
      username: i % 3 === 0 ? null : `user_${i % 5}`,
      firstName: ["Анна", "<i>Bob</i>", "&amp;", "😀".repeat(30), "x".repeat(64)][i % 5]!,
      courseId: [1, 2, 3, null][i % 4]!,
      courseStream: [OPEN_STREAM.code, "8th_stream", "any:stream/x", null, "unknown_stream"][i % 5]!,
      confirmed: ([0, 1, 2, -1] as const)[i % 4]!,
      referralCode: i % 4 === 0 ? "PROMO<10>" : null,
      discountPercent: i % 4 === 0 ? 10 : 0,
    })),
  ];
  const ids = await addBookings(db, rows);
  await db.insert(events).values([
    {
      userId: 5001,
      eventType: "booking_status_changed",
      details: { booking_id: ids[1]!, old_status: 0, new_status: -1, actor_id: ADMIN.id, actor_name: "Анна <admin>", actor_role: "admin", reason: "нет оплаты <b>&</b> 🙃", source: "admin_bot" },
    },
    { userId: 5001, eventType: "booking_created", details: { booking_id: ids[5]!, course_id: 1 } },
    // The real bot's approval: a status change without an actor, then who approved it.
    { userId: 5001, eventType: "booking_status_changed", details: { booking_id: ids[2]!, old_status: 1, new_status: 2, old_status_name: "payment_uploaded", new_status_name: "approved" } },
    { userId: 5001, eventType: "payment_approved", details: { booking_id: ids[2]!, approved_by: ADMIN.id } },
    { userId: 5001, eventType: "booking_status_changed", details: { booking_id: String(ids[3]!), old_status: "x", new_status: null } },
  ]);
  await db.insert(outbox).values([
    { dedupeKey: "fuzz:1", kind: "confirmation", chatId: STUDENT.id, text: "hi", bookingId: ids[0]!, status: "sent", sentAt: new Date() },
    { dedupeKey: "fuzz:2", kind: "cancellation", chatId: STUDENT.id, text: "bye", bookingId: ids[1]!, status: "failed", attempts: 8, lastError: "403: <blocked> & gone" },
    { dedupeKey: "fuzz:3", kind: "reminder", chatId: 5001, text: "soon", bookingId: ids[6]!, status: "queued", attempts: 2 },
  ]);
  await db.insert(messageHistory).values({ messageText: "Всем привет", totalRecipients: 3, successfulDeliveries: 2, createdBy: ADMIN.id });
  // A pending booking with its payment proof, for the card's 📎.
  const proofOf = ids[3]!;
  await db.insert(paymentProofs).values({ bookingId: proofOf, userId: rows[3]!.userId, kind: "photo", fileId: "AgAC-fuzz-proof" });
  // Coupons for /coupons: one valid, one switched off whose code (the bookings' above) no link can carry.
  await db.insert(referralCoupons).values([
    { code: "FUZZ0001", name: "Блогер <b>&", discountPercent: 20, maxActivations: 20, currentActivations: 3, createdBy: ADMIN.id },
    { code: "PROMO<10>", discountPercent: 10, maxActivations: 1, currentActivations: 1, createdBy: 0, isActive: 0 },
  ]);
  // Free-lesson registrations for /workshops (ids 1–3): a lesson of two, HTML in a name, an odd undated type.
  await db.insert(freeLessonRegistrations).values([
    { userId: 5001, username: "s1", firstName: "Ира <b>&", email: "a<b>@x.ru", lessonType: "cursor_lesson", lessonDate: "2025-12-01" },
    { userId: 5002, firstName: null, email: "b@x.ru", lessonType: "cursor_lesson", lessonDate: "2025-12-01", registeredAt: null },
    { userId: 5001, username: "s1", firstName: "Ира", email: "a@x.ru", lessonType: "<odd & type>", lessonDate: null },
  ]);
  const status = new Map<number, number>();
  const owner = new Map<number, number>();
  rows.forEach((row, i) => {
    status.set(ids[i]!, row.confirmed);
    owner.set(ids[i]!, row.userId);
  });
  return { status, owner, proofOf };
}
