import { describe, expect, it } from "vitest";
import { COUPON_PRESETS, couponLink, generateCouponCode, normalizeCouponCode, parseCustomCoupon } from "../../src/bookings/coupon-rules";

describe("coupon rules", () => {
  it("has the real bot's presets", () => {
    expect(COUPON_PRESETS.map((p) => [p.percent, p.activations])).toEqual([[10, 50], [20, 20], [30, 10], [50, 5], [100, 1]]);
  });

  it("generates 8 characters of A–Z 0–9", () => {
    for (let i = 0; i < 200; i++) expect(generateCouponCode()).toMatch(/^[A-Z0-9]{8}$/);
    expect(generateCouponCode(() => 0)).toBe("AAAAAAAA");
    expect(generateCouponCode((n) => n - 1)).toBe("99999999");
  });

  it("takes a typed code in any case, exactly 8 of A–Z 0–9", () => {
    expect(normalizeCouponCode(" x7k2m9qa ")).toBe("X7K2M9QA");
    for (const bad of ["X7K2M9Q", "X7K2M9QAB", "X7K2 M9Q", "X7K2-M9Q", "ПРОМОКОД", "X7K2M9Qß", ""]) expect(normalizeCouponCode(bad), bad).toBeUndefined();
  });

  it("reads custom values: a discount of 1–100 % and 1–100,000 activations", () => {
    expect(parseCustomCoupon("15 30")).toEqual({ percent: 15, activations: 30 });
    expect(parseCustomCoupon(" 15%  30 ")).toEqual({ percent: 15, activations: 30 });
    expect(parseCustomCoupon("100 100000")).toEqual({ percent: 100, activations: 100_000 });
    expect(parseCustomCoupon("0 30")).toEqual({ problem: "percent" });
    expect(parseCustomCoupon("101 30")).toEqual({ problem: "percent" });
    expect(parseCustomCoupon("15 0")).toEqual({ problem: "activations" });
    expect(parseCustomCoupon("15 100001")).toEqual({ problem: "activations" });
    for (const bad of ["15", "15,30", "15.5 30", "-15 30", "15 30 40", "пятнадцать 30", "1e2 30"]) expect(parseCustomCoupon(bad), bad).toEqual({ problem: "format" });
  });

  it("links to the bot with ref_<CODE>, as the real bot's links are", () => {
    expect(couponLink("bookings_admin_bot", "X7K2M9QA")).toBe("https://t.me/bookings_admin_bot?start=ref_X7K2M9QA");
    expect(couponLink("bookings_admin_bot", "PROMO<10>")).toBeUndefined();
  });
});
