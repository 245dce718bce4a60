import { randomInt } from "node:crypto";

/**
 * Referral coupons as the real bot makes them: 8 characters A–Z 0–9, and the presets of its
 * admin menu (the bigger the discount, the fewer activations).
 */

export const COUPON_PRESETS = [
  { percent: 10, activations: 50 },
  { percent: 20, activations: 20 },
  { percent: 30, activations: 10 },
  { percent: 50, activations: 5 },
  { percent: 100, activations: 1 },
] as const;

export const COUPON_CODE_LENGTH = 8;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const CODE = new RegExp(`^[A-Z0-9]{${COUPON_CODE_LENGTH}}$`);

/** Longest coupon name (it is a note for admins: who the coupon is for). */
export const MAX_COUPON_NAME = 64;
/** Most activations a custom coupon may have. */
export const MAX_ACTIVATIONS = 100_000;

/** A fresh random code; `pick` is injectable so a test can make it collide. */
export function generateCouponCode(pick: (n: number) => number = randomInt): string {
  return Array.from({ length: COUPON_CODE_LENGTH }, () => ALPHABET[pick(ALPHABET.length)]).join("");
}

/** A typed code, upper-cased (students' codes are matched case-insensitively), or undefined if it is not 8 × A–Z 0–9. */
export function normalizeCouponCode(text: string): string | undefined {
  const code = text.trim().toUpperCase();
  return CODE.test(code) ? code : undefined;
}

export type CustomCouponProblem = "format" | "percent" | "activations";

/** "15 30": a discount of 1–100 % and 1–100,000 activations. */
export function parseCustomCoupon(text: string): { percent: number; activations: number } | { problem: CustomCouponProblem } {
  const m = /^(\d{1,7})\s*%?\s+(\d{1,7})$/.exec(text.trim());
  if (!m) return { problem: "format" };
  const percent = Number(m[1]);
  const activations = Number(m[2]);
  if (percent < 1 || percent > 100) return { problem: "percent" };
  if (activations < 1 || activations > MAX_ACTIVATIONS) return { problem: "activations" };
  return { percent, activations };
}

/** The deep link a student opens; undefined when the code cannot ride in a start parameter (64 × A–Z a–z 0–9 _ -). */
export function couponLink(botUsername: string, code: string): string | undefined {
  return /^[A-Za-z0-9_-]{1,60}$/.test(code) ? `https://t.me/${botUsername}?start=ref_${code}` : undefined;
}

/** `/start ref_<CODE>` as the real bot's links have it, or a bare code (Telegram allows A–Z a–z 0–9 _ -). */
export function parseReferralParam(param: string): string | undefined {
  const code = param.trim().replace(/^ref_/i, "");
  return /^[A-Za-z0-9_-]{1,64}$/.test(code) ? code : undefined;
}
