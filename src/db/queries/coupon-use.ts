import { and, eq, exists, not, sql } from "drizzle-orm";
import type { Db } from "../client";
import { referralCoupons, referralUsage } from "../schema";

/**
 * Referral coupons on the real system's tables, used as its bot uses them: a coupon is valid
 * while active, with activations left, and not used by this student before; using it adds a
 * `referral_usage` row and one activation.
 */

export type CouponOffer = { code: string; name: string | null; discountPercent: number; remaining: number };
export type CouponCheck = { kind: "valid"; coupon: CouponOffer } | { kind: "not_found" | "expired" | "used" };

/** Codes are stored upper-case by both bots; a student typing one by hand may not be. */
const codeIs = (code: string) => sql`upper(${referralCoupons.code}) = upper(${code})`;

/**
 * Whether this student used the coupon. Built with `exists()` so both tables' columns are
 * qualified (drizzle leaves a single-table query's columns bare inside raw `sql`).
 */
const usedBy = (db: Db, userId: number) =>
  exists(
    db
      .select({ one: sql`1` })
      .from(referralUsage)
      .where(and(eq(referralUsage.couponId, referralCoupons.id), eq(referralUsage.userId, userId))),
  );

export async function checkCoupon(db: Db, code: string, userId: number): Promise<CouponCheck> {
  const [coupon] = await db
    .select({
      code: referralCoupons.code,
      name: referralCoupons.name,
      discountPercent: referralCoupons.discountPercent,
      remaining: sql<number>`${referralCoupons.maxActivations} - coalesce(${referralCoupons.currentActivations}, 0)`,
      used: sql<boolean>`${usedBy(db, userId)}`,
    })
    .from(referralCoupons)
    .where(and(codeIs(code), eq(referralCoupons.isActive, 1)))
    .limit(1);
  if (!coupon) return { kind: "not_found" };
  if (coupon.remaining <= 0) return { kind: "expired" };
  if (coupon.used) return { kind: "used" };
  const { used: _, ...offer } = coupon;
  return { kind: "valid", coupon: offer };
}

/**
 * Takes one activation of a coupon for this student, or nothing if it is no longer valid. The
 * guard is in the UPDATE itself: under concurrent use PostgreSQL re-checks it on the locked row,
 * so `current_activations` never exceeds `max_activations`.
 */
export async function takeCoupon(tx: Db, code: string, userId: number): Promise<{ id: number; code: string; discountPercent: number } | undefined> {
  const [taken] = await tx
    .update(referralCoupons)
    .set({ currentActivations: sql`coalesce(${referralCoupons.currentActivations}, 0) + 1` })
    .where(
      and(
        codeIs(code),
        eq(referralCoupons.isActive, 1),
        sql`coalesce(${referralCoupons.currentActivations}, 0) < ${referralCoupons.maxActivations}`,
        not(usedBy(tx, userId)),
      ),
    )
    .returning({ id: referralCoupons.id, code: referralCoupons.code, discountPercent: referralCoupons.discountPercent });
  return taken;
}

/** Gives back an activation taken for a booking that could not record its use. */
export async function returnCoupon(tx: Db, couponId: number): Promise<void> {
  await tx.update(referralCoupons).set({ currentActivations: sql`${referralCoupons.currentActivations} - 1` }).where(eq(referralCoupons.id, couponId));
}

/** The usage row of a coupon taken for a booking. False: a row was there already (the other bot, at the same moment). */
export async function recordCouponUse(tx: Db, use: { couponId: number; userId: number; bookingId: number }): Promise<boolean> {
  const rows = await tx.insert(referralUsage).values(use).onConflictDoNothing().returning({ id: referralUsage.id });
  return rows.length > 0;
}
