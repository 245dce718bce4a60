import { describe, expect, it } from "vitest";
import type { CourseRow, StreamRow } from "../../src/db/queries/courses";
import type { CouponCard, CouponPage } from "../../src/db/queries/coupons";
import { formatCourseScreen, formatCoursesOverview, formatStreamScreen } from "../../src/bot/format/courses";
import { formatCouponCard, formatCouponList } from "../../src/bot/format/coupons";
import { en, ru } from "../../src/bot/i18n";

const tz = "Europe/Moscow";
const course = (over: Partial<CourseRow> = {}): CourseRow => ({ id: 1, name: "Вайб кодинг", priceUsdCents: 15000, isActive: true, startDateText: null, ...over });
const stream = (over: Partial<StreamRow> = {}): StreamRow => ({
  code: "9th_stream",
  title: "9-й поток",
  courseId: 1,
  startsAt: new Date("2027-01-15T16:00:00Z"),
  isOpen: true,
  new: 1,
  pending: 2,
  confirmed: 3,
  ...over,
});
const labels = (k: { inline_keyboard: Array<Array<{ text: string }>> }) => k.inline_keyboard.map((r) => r.map((b) => b.text));

describe("course screens", () => {
  it("escape every stored string and show live bookings per status", () => {
    const evil = course({ id: 2, name: "<b>Курс</b> & co", priceUsdCents: null, isActive: false, startDateText: "весной <скоро>" });
    const screen = formatCoursesOverview([evil], [stream({ courseId: 2, code: "x_1", title: "Поток <1>", startsAt: null, isOpen: false })], tz, ru);
    expect(screen.text).toBe(
      [
        "📚 <b>Курсы и потоки</b>",
        "",
        "<b>&lt;b&gt;Курс&lt;/b&gt; &amp; co</b> · #2 · ⏸ не активен",
        "Цена: —",
        "Старт (текст курса): весной &lt;скоро&gt;",
        "🔒 <b>Поток &lt;1&gt;</b> · <code>x_1</code> · без даты · ⚪ 1 · 🟡 2 · 🟢 3",
        "",
        "🔓 запись открыта · 🔒 закрыта · ⚪ новые · 🟡 в ожидании · 🟢 подтверждённые заявки",
      ].join("\n"),
    );
    expect(labels(screen.keyboard)).toEqual([["📚 <b>Курс</b> & co"]]);
  });

  it("stay under 4096 characters and a sane keyboard with hundreds of long-named streams", () => {
    const streams = Array.from({ length: 300 }, (_, i) => stream({ code: `${i + 1}th_stream`, title: "Д".repeat(500), courseId: i % 2 ? 1 : null }));
    const courses = Array.from({ length: 30 }, (_, i) => course({ id: i + 1, name: "К".repeat(300) }));
    for (const screen of [formatCoursesOverview(courses, streams, tz, ru), formatCourseScreen(courses[0], streams, tz, ru), formatCourseScreen(undefined, streams, tz, en)]) {
      expect(screen.text.length).toBeLessThanOrEqual(4096);
      expect(screen.keyboard.inline_keyboard.flat().length).toBeLessThanOrEqual(40);
    }
    const course1 = formatCourseScreen(courses[0], streams.filter((s) => s.courseId === 1), tz, ru);
    expect(course1.text).toContain("<b>Потоки</b>\n… и ещё 130\n");
    expect(course1.text).toContain("<code>300th_stream</code>");
  });

  it("a stream of a course that is gone is listed with the shared ones and leads back there", () => {
    const orphan = stream({ courseId: 7 });
    expect(formatCourseScreen(undefined, [orphan], tz, en).text).toBe(
      "🗂 <b>Shared streams</b> — offered with every active course\n\n🔓 <b>9-й поток</b> · <code>9th_stream</code> · starts 15.01.2027 · ⚪ 1 · 🟡 2 · 🟢 3 (course #7 not found)",
    );
    const screen = formatStreamScreen(orphan, undefined, tz, en);
    expect(screen.text).toBe(
      "🗓 <b>9-й поток</b> · <code>9th_stream</code>\nCourse: Course #7\nStarts: 15.01.2027 19:00\nEnrolment: 🔓 open\nBookings: ⚪ 1 · 🟡 2 · 🟢 3",
    );
    expect(screen.keyboard.inline_keyboard.flat().map((b) => (b as { callback_data: string }).callback_data)).toEqual([
      "cs:x:9th_stream",
      "cs:w:9th_stream",
      "cs:t:9th_stream",
      "cs:c:0",
    ]);
  });
});

describe("coupon screens", () => {
  const row = { id: 7, code: "X7K2M9QA", name: "Блогер <Вася>", discountPercent: 20, maxActivations: 20, currentActivations: 20, isActive: true };

  it("a page: position, state of each coupon, arrows only where there is more", () => {
    const page: CouponPage = { rows: [row, { ...row, id: 5, code: "<b>", name: null, isActive: false, currentActivations: 1 }], offset: 10, total: 30, hasNewer: true, hasOlder: true };
    const screen = formatCouponList(page, ru);
    expect(screen.text).toBe(
      [
        "🎟 <b>Промокоды</b> · 11–12 из 30",
        "",
        "<code>X7K2M9QA</code> · 20% · 20/20 · 🟡 · Блогер &lt;Вася&gt;",
        "<code>&lt;b&gt;</code> · 20% · 1/20 · ⚫",
        "",
        "🟢 действует · 🟡 активации закончились · ⚫ выключен",
      ].join("\n"),
    );
    expect(screen.keyboard.inline_keyboard.map((r) => r.map((b) => [b.text, (b as { callback_data: string }).callback_data]))).toEqual([
      [["🟡 X7K2M9QA · 20% · 20/20", "cp:v:7:8"]],
      [["⚫ <b> · 20% · 1/20", "cp:v:5:8"]],
      [["◀ Новее", "cp:n:7"], ["Старше ▶", "cp:o:5"]],
      [["➕ Новый промокод", "cp:+"]],
    ]);
  });

  it("a card: link, bookings per status and the confirmed share", () => {
    const card: CouponCard = {
      ...row,
      currentActivations: 3,
      createdBy: 1001,
      createdAt: new Date("2026-11-01T09:00:00Z"),
      bookings: { total: 5, 0: 1, 1: 1, 2: 2, [-1]: 1 },
    };
    const screen = formatCouponCard(card, "https://t.me/bot?start=ref_X7K2M9QA", 0, tz, en, "✅ Done.");
    expect(screen.text).toBe(
      [
        "✅ Done.",
        "",
        "🎟 <b>Coupon <code>X7K2M9QA</code></b>",
        "Name: Блогер &lt;Вася&gt;",
        "Discount: 20%",
        "Activations: 3 of 20 (17 left)",
        "Status: 🟢 valid",
        "Created: 01.11.2026 12:00 · admin id 1001",
        "Link: https://t.me/bot?start=ref_X7K2M9QA",
        "Bookings with this coupon: 5 — ⚪ 1 · 🟡 1 · 🟢 2 · 🔴 1",
        "Confirmed: 2 of 5 (40%)",
      ].join("\n"),
    );
    expect(labels(screen.keyboard)).toEqual([["⛔ Switch off"], ["↩ To the list"]]);
  });
});
