import { and, asc, count, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { bookings, courses, paymentProofs, type PaymentProof } from "../schema";

export type NewProof = Pick<PaymentProof, "bookingId" | "userId" | "kind" | "fileId" | "fileUniqueId">;

/**
 * The booking a student's payment proof belongs to, locked: their newest booking waiting for
 * payment (status 0, as the real bot picks it), else their newest one whose proof is already in
 * (status 1: a second file is kept with it). Locked so a concurrent change by the real bot or the
 * dashboard waits for ours; if one commits first, the row no longer matches and none is returned.
 */
export async function lockProofTarget(tx: Db, userId: number): Promise<{ id: number; confirmed: 0 | 1 } | undefined> {
  const [row] = await tx
    .select({ id: bookings.id, confirmed: bookings.confirmed })
    .from(bookings)
    .where(and(eq(bookings.userId, userId), inArray(bookings.confirmed, [0, 1])))
    .orderBy(asc(bookings.confirmed), desc(bookings.createdAt), desc(bookings.id))
    .limit(1)
    .for("update");
  return row as { id: number; confirmed: 0 | 1 } | undefined;
}

/** The student's newest booking waiting for payment (status 0), if any: for the "send the photo" hint. */
export async function findAwaitingPayment(db: Db, userId: number): Promise<{ id: number } | undefined> {
  const [row] = await db
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.userId, userId), eq(bookings.confirmed, 0)))
    .orderBy(desc(bookings.createdAt), desc(bookings.id))
    .limit(1);
  return row;
}

export async function insertProof(tx: Db, proof: NewProof): Promise<PaymentProof> {
  const [row] = await tx.insert(paymentProofs).values(proof).returning();
  return row!;
}

/** A booking's proofs, newest first. */
export function listProofs(db: Db, bookingId: number, limit = 10): Promise<PaymentProof[]> {
  return db.select().from(paymentProofs).where(eq(paymentProofs.bookingId, bookingId)).orderBy(desc(paymentProofs.id)).limit(limit);
}

export async function countProofs(db: Db, bookingId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(paymentProofs).where(eq(paymentProofs.bookingId, bookingId));
  return row?.n ?? 0;
}

/** The course's price in US cents; null when unknown (no course, or the real schema's default 0). */
export async function coursePriceCents(db: Db, courseId: number | null): Promise<number | null> {
  if (courseId === null) return null;
  const [row] = await db
    .select({ cents: sql<number | null>`nullif(${courses.priceUsdCents}, 0)` })
    .from(courses)
    .where(eq(courses.id, courseId))
    .limit(1);
  return row?.cents ?? null;
}
