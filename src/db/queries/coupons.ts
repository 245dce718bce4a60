import { asc, desc, eq, gt, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { bookings, referralCoupons, type BookingStatus } from "../schema";

/**
 * The real system's `referral_coupons` for /coupons: pages newest first, one coupon with its
 * bookings, and the statements of the admins' writes, made as the real bot makes them (the
 * audited changes are src/bookings/coupons.ts).
 */

const listColumns = {
  id: referralCoupons.id,
  code: referralCoupons.code,
  name: referralCoupons.name,
  discountPercent: referralCoupons.discountPercent,
  maxActivations: referralCoupons.maxActivations,
  currentActivations: sql<number>`coalesce(${referralCoupons.currentActivations}, 0)`.mapWith(Number),
  isActive: sql<boolean>`${referralCoupons.isActive} IS NOT DISTINCT FROM 1`.mapWith(Boolean),
};

/** Where a page starts: the newest coupons, or those older (lower id) / newer than a coupon id. */
export type CouponAnchor = { dir: "first" } | { dir: "older" | "newer"; id: number };

/**
 * One page, keyset on the serial id (`created_at` may be null in the real table). The coupons
 * before the page and the total come from one count, so a page knows its position and arrows.
 */
export async function listCouponsPage(db: Db, anchor: CouponAnchor, size: number) {
  // As bigint: "older than" may be one past the largest serial, which an integer parameter cannot hold.
  const than = sql`${anchor.dir === "first" ? 0 : anchor.id}::bigint`;
  const rows =
    anchor.dir === "newer"
      ? (await db.select(listColumns).from(referralCoupons).where(gt(referralCoupons.id, than)).orderBy(asc(referralCoupons.id)).limit(size)).reverse()
      : await db
          .select(listColumns)
          .from(referralCoupons)
          .where(anchor.dir === "older" ? lt(referralCoupons.id, than) : undefined)
          .orderBy(desc(referralCoupons.id))
          .limit(size);
  // Less than a page of newer ones, or nothing older any more (deleted meanwhile): the first page.
  if ((anchor.dir === "newer" && rows.length < size) || (anchor.dir === "older" && rows.length === 0)) {
    return listCouponsPage(db, { dir: "first" }, size);
  }
  const [count] = await db
    .select({ total: sql<number>`count(*)::int`, before: sql<number>`(count(*) FILTER (WHERE ${referralCoupons.id} > ${rows[0]?.id ?? 0}))::int` })
    .from(referralCoupons);
  const { total, before } = count!;
  return { rows, offset: before, total, hasNewer: before > 0, hasOlder: before + rows.length < total };
}
export type CouponPage = Awaited<ReturnType<typeof listCouponsPage>>;
export type CouponListRow = CouponPage["rows"][number];

/** One coupon, and its bookings (`bookings.referral_code`) per status. */
export async function getCoupon(db: Db, id: number) {
  const [coupon] = await db
    .select({ ...listColumns, createdBy: referralCoupons.createdBy, createdAt: referralCoupons.createdAt })
    .from(referralCoupons)
    .where(eq(referralCoupons.id, id));
  if (!coupon) return undefined;
  // No index of ours on their `referral_code` (nothing added to their table): a scan, for one admin's card.
  const perStatus = await db
    .select({ status: bookings.confirmed, n: sql<number>`count(*)::int` })
    .from(bookings)
    .where(eq(bookings.referralCode, coupon.code))
    .groupBy(bookings.confirmed);
  const counts: Record<BookingStatus, number> = { 0: 0, 1: 0, 2: 0, [-1]: 0 };
  for (const { status, n } of perStatus) if (status in counts) counts[status] += n;
  return { ...coupon, bookings: { total: perStatus.reduce((sum, r) => sum + r.n, 0), ...counts } };
}
export type CouponCard = NonNullable<Awaited<ReturnType<typeof getCoupon>>>;

/** Whether a code is in use, in any case (students' codes are matched case-insensitively). */
export async function couponCodeTaken(db: Db, code: string): Promise<boolean> {
  const [row] = await db.select({ id: referralCoupons.id }).from(referralCoupons).where(sql`upper(${referralCoupons.code}) = upper(${code})`).limit(1);
  return row !== undefined;
}

export type NewCoupon = { code: string; name: string | null; discountPercent: number; maxActivations: number };

/**
 * Inserts a coupon as the real bot does (code, discount, activations, creator; the rest left to
 * the table's defaults), plus its name. Undefined: the code exists.
 */
export async function insertCoupon(tx: Db, coupon: NewCoupon, createdBy: number): Promise<number | undefined> {
  const [row] = await tx
    .insert(referralCoupons)
    .values({ ...coupon, createdBy })
    .onConflictDoNothing({ target: referralCoupons.code })
    .returning({ id: referralCoupons.id });
  return row?.id;
}

export async function couponCode(db: Db, id: number): Promise<string | undefined> {
  const [coupon] = await db.select({ code: referralCoupons.code }).from(referralCoupons).where(eq(referralCoupons.id, id));
  return coupon?.code;
}

/** Whether the coupon is active (`is_active = 1`), its row locked for the change that follows. */
export async function lockCouponActive(tx: Db, id: number) {
  const [row] = await tx.select({ isActive: referralCoupons.isActive }).from(referralCoupons).where(eq(referralCoupons.id, id)).for("update");
  return row && { value: row.isActive === 1 ? 1 : 0 };
}

export const updateCouponActive = (id: number, active: 0 | 1) => (tx: Db) => tx.update(referralCoupons).set({ isActive: active }).where(eq(referralCoupons.id, id));
