import { and, count, eq, ne, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { paymentProofs, proofQueue, proofQueueSkips, reviewBoards, type BookingStatus } from "../schema";

const ms = (value: number) => sql`(${Math.max(0, Math.round(value))}::integer * interval '1 millisecond')`;

/**
 * Rows whose booking still waits for review: at status 1 (someone else may have moved it since).
 * Spelled out with the table's name: drizzle leaves a single-table query's columns unqualified,
 * and inside this subquery an unqualified name could mean the wrong table.
 */
const WAITING = sql`EXISTS (SELECT 1 FROM bookings b WHERE b.id = "proof_queue"."booking_id" AND b.confirmed = 1)`;

/** A receipt moved its booking to 1 (or came with one already there): it waits for an admin. */
export async function queueProof(tx: Db, bookingId: number): Promise<void> {
  await tx.insert(proofQueue).values({ bookingId }).onConflictDoNothing({ target: proofQueue.bookingId });
}

/**
 * A booking's status changed in our path from `from` to `to`: leaving 1 it leaves the queue;
 * arriving at 1 with a receipt (restored) it joins it again. (A row left by a change elsewhere
 * is cleared by the board's round.)
 */
export async function syncProofQueue(tx: Db, bookingId: number, from: BookingStatus, to: BookingStatus): Promise<void> {
  if (from === 1 && to !== 1) {
    await tx.delete(proofQueue).where(eq(proofQueue.bookingId, bookingId));
    return;
  }
  if (to !== 1) return;
  const [proof] = await tx.select({ id: paymentProofs.id }).from(paymentProofs).where(eq(paymentProofs.bookingId, bookingId)).limit(1);
  if (proof) await queueProof(tx, bookingId);
}

/** Receipts waiting for review. */
export async function countWaitingProofs(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(proofQueue).where(WAITING);
  return row?.n ?? 0;
}

/**
 * The next receipt for this admin, claimed for `leaseMs`: the oldest one nobody else holds, the
 * ones this admin skipped last (oldest skip first). Any other receipt the admin held is let go.
 * `FOR UPDATE SKIP LOCKED`: two admins asking at once get two different receipts.
 */
export async function claimNextProof(db: Db, adminId: number, leaseMs: number): Promise<number | undefined> {
  return db.transaction(async (tx) => {
    const [next] = await tx
      .select({ bookingId: proofQueue.bookingId })
      .from(proofQueue)
      .leftJoin(proofQueueSkips, and(eq(proofQueueSkips.bookingId, proofQueue.bookingId), eq(proofQueueSkips.adminId, adminId)))
      .where(and(WAITING, or(sql`${proofQueue.claimedUntil} IS NULL`, sql`${proofQueue.claimedUntil} < now()`, eq(proofQueue.claimedBy, adminId))))
      .orderBy(sql`${proofQueueSkips.skippedAt} NULLS FIRST`, proofQueue.queuedAt, proofQueue.bookingId)
      .limit(1)
      .for("update", { of: proofQueue, skipLocked: true });
    await tx
      .update(proofQueue)
      .set({ claimedBy: null, claimedUntil: null })
      .where(and(eq(proofQueue.claimedBy, adminId), next ? ne(proofQueue.bookingId, next.bookingId) : sql`true`));
    if (!next) return undefined;
    await tx.update(proofQueue).set({ claimedBy: adminId, claimedUntil: sql`now() + ${ms(leaseMs)}` }).where(eq(proofQueue.bookingId, next.bookingId));
    return next.bookingId;
  });
}

/** "Skip": the receipt goes to the end of this admin's queue and is free for the others. */
export async function skipProof(db: Db, adminId: number, bookingId: number): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select({ id: proofQueue.bookingId }).from(proofQueue).where(eq(proofQueue.bookingId, bookingId)).for("update");
    if (!row) return;
    await tx
      .insert(proofQueueSkips)
      .values({ adminId, bookingId })
      .onConflictDoUpdate({ target: [proofQueueSkips.adminId, proofQueueSkips.bookingId], set: { skippedAt: sql`now()` } });
    await tx.update(proofQueue).set({ claimedBy: null, claimedUntil: null }).where(and(eq(proofQueue.bookingId, bookingId), eq(proofQueue.claimedBy, adminId)));
  });
}

/** Rows whose booking was confirmed, cancelled or deleted elsewhere (the real bot, the dashboard). */
export async function clearReviewedProofs(db: Db): Promise<number> {
  const gone = await db.delete(proofQueue).where(sql`NOT ${WAITING}`).returning({ id: proofQueue.bookingId });
  return gone.length;
}

export type ReviewBoard = typeof reviewBoards.$inferSelect;

/**
 * The right to update a chat's board for the next `gapMs`: one process at a time, and no more
 * often than that (a group takes 20 calls a minute). Undefined: another had it, or it is too soon.
 */
export async function takeBoardTurn(db: Db, chatId: number, gapMs: number): Promise<ReviewBoard | undefined> {
  await db.insert(reviewBoards).values({ chatId }).onConflictDoNothing({ target: reviewBoards.chatId });
  const [row] = await db
    .update(reviewBoards)
    .set({ shownAt: sql`now()` })
    .where(and(eq(reviewBoards.chatId, chatId), or(sql`${reviewBoards.shownAt} IS NULL`, sql`${reviewBoards.shownAt} < now() - ${ms(gapMs)}`)))
    .returning();
  return row;
}

/** What the chat's board shows now. */
export async function recordBoard(db: Db, chatId: number, shown: number, messageId: number | null): Promise<void> {
  await db.update(reviewBoards).set({ shown, messageId }).where(eq(reviewBoards.chatId, chatId));
}

export async function readBoard(db: Db, chatId: number): Promise<ReviewBoard | undefined> {
  const [row] = await db.select().from(reviewBoards).where(eq(reviewBoards.chatId, chatId));
  return row;
}
