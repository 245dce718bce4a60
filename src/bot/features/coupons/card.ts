import { couponLink } from "../../../bookings/coupon-rules";
import { getCoupon } from "../../../db/queries/coupons";
import type { Deps, InnerContext } from "../../context";
import { formatCouponCard } from "../../format/coupons";
import type { Screen } from "../../format/question";

/**
 * A coupon's card, with a notice on top; undefined when the coupon is gone. The list's buttons
 * (./index.ts) and the end of "➕ New coupon" (./create.ts) both show it.
 */
export function couponCard(deps: Deps) {
  return async (ctx: InnerContext, id: number, back: number, notice?: string): Promise<Screen | undefined> => {
    const coupon = await getCoupon(deps.db, id);
    return coupon && formatCouponCard(coupon, couponLink(ctx.me.username, coupon.code), back, deps.config.timeZone, ctx.t, notice);
  };
}
