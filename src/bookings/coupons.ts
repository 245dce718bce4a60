import type { Db } from "../db/client";
import { recordAdminAction } from "../db/queries/admin-actions";
import { couponCode, couponCodeTaken, insertCoupon, lockCouponActive, updateCouponActive, type NewCoupon } from "../db/queries/coupons";
import { auditedChange, type AdminActor } from "./audit";

/** Creates a coupon as the real bot does, audited. "taken": the code exists, in any case. */
export async function createCoupon(db: Db, coupon: NewCoupon, actor: AdminActor): Promise<{ kind: "created"; id: number } | { kind: "taken" }> {
  return db.transaction(async (tx) => {
    if (await couponCodeTaken(tx, coupon.code)) return { kind: "taken" } as const;
    const id = await insertCoupon(tx, coupon, actor.id);
    if (id === undefined) return { kind: "taken" } as const;
    await recordAdminAction(tx, actor, "coupon.create", `coupon:${coupon.code}`, { old: null, new: coupon });
    return { kind: "created", id } as const;
  });
}

/** Deactivates (`is_active = 0`) or reactivates (1) a coupon, audited. */
export async function setCouponActive(db: Db, id: number, active: boolean, actor: AdminActor) {
  const code = await couponCode(db, id);
  if (code === undefined) return { kind: "not-found" } as const;
  const next = active ? 1 : 0;
  return auditedChange(db, { actor, action: active ? "coupon.activate" : "coupon.deactivate", target: `coupon:${code}` }, {
    read: (tx) => lockCouponActive(tx, id),
    next,
    write: updateCouponActive(id, next),
  });
}
