import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { User } from "grammy/types";
import { runMigrations } from "../../src/db/migrate";
import { createTestDatabase, rawExec, rawQuery, type TestDatabase } from "../helpers/db";
import { BASE_TIME } from "../helpers/fixtures";
import { buttonRows, createHarness, type Harness } from "../helpers/harness";
import { REAL_BOT_SETUP, REAL_SCHEMA, realSystem } from "../helpers/real-system";
import { FAST, deliverAll, testWorker } from "../delivery/helpers";

/**
 * Issue 12's loop on the real schema: from the bot alone, an admin opens the next stream and
 * creates a coupon; a student books through `ref_<CODE>` with the discount; the real bot keeps
 * making and using coupons beside ours, and reads ours as its own.
 */
const STUDENT: User = { id: 5_201, is_bot: false, first_name: "Ира", language_code: "ru" };
let database: TestDatabase;
let h: Harness;
let real: ReturnType<typeof realSystem>;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  await rawExec(database, REAL_SCHEMA);
  await rawExec(database, "INSERT INTO courses (name, price_usd_cents, button_text) VALUES ('Вайб кодинг', 30000, 'Записаться')");
  await runMigrations(database);
  await rawExec(database, REAL_BOT_SETUP);
  real = realSystem({ query: async (text: string, params?: unknown[]) => ({ rows: await rawQuery(database, text, params ?? []), rowCount: 1 }) } as unknown as pg.Pool);
  h = await createHarness(database.db, {}, { clock: () => BASE_TIME });
});
afterAll(async () => {
  await h?.close();
  await database?.dispose();
});

describe("/courses and /coupons on the real schema", () => {
  it("an admin opens the next stream and creates a coupon; a student books it with the discount", async () => {
    await h.send("/courses");
    await h.press(h.lastSent(), "📚 Вайб кодинг");
    await h.press(h.lastSent(), "➕ Новый поток");
    await h.press(h.lastSent(), "✅ 9th_stream");
    await h.press(h.lastSent(), "✅ 9-й поток");
    await h.send("15.01.2027 19:00");
    await h.press(h.lastSent(), "🔓 Добавить и открыть запись");

    await h.send("/coupons");
    await h.press(h.lastSent(), "➕ Новый промокод");
    await h.press(h.lastSent(), "20% × 20");
    await h.send("Блогер");
    await h.send("BLOG2027");
    await h.press(h.lastSent(), "✅ Создать");

    const start = await h.send("/start ref_BLOG2027", STUDENT);
    expect(start[0]!.payload.text).toContain("Промокод <code>BLOG2027</code>: скидка 20% к заявке.");
    expect(buttonRows(start[0]!.payload.reply_markup)).toEqual([["Вайб кодинг · 9-й поток · старт 15.01"], ["📋 Мои заявки"]]);
    await h.press(h.lastSent(STUDENT.id), "Вайб кодинг · 9-й поток · старт 15.01", STUDENT);
    expect(await rawQuery(database, "SELECT course_id, course_stream, referral_code, discount_percent FROM bookings WHERE user_id = $1", [STUDENT.id])).toEqual([
      { course_id: 1, course_stream: "9th_stream", referral_code: "BLOG2027", discount_percent: 20 },
    ]);
    expect(await rawQuery(database, "SELECT current_activations, is_active, created_by::int AS by, name FROM referral_coupons WHERE code = 'BLOG2027'")).toEqual([
      { current_activations: 1, is_active: 1, by: 1001, name: "Блогер" },
    ]);

    // The rest of the loop: a photo of the payment, the admin confirms it in the queue, the student hears.
    const worker = testWorker(database.db, h.api, FAST);
    await deliverAll(worker);
    const paid = await h.sendPhoto(STUDENT, "AgAC-ira-receipt");
    expect(paid[0]!.payload.text).toMatch(/^📎 Спасибо! Чек по заявке #\d+/);
    await deliverAll(worker);
    const [queued] = await h.send("/queue");
    expect(queued!.payload).toMatchObject({ photo: "AgAC-ira-receipt" });
    expect(queued!.payload.caption).toContain("К оплате: $240");
    const id = Number((await rawQuery(database, "SELECT id FROM bookings WHERE user_id = $1", [STUDENT.id]))[0]!.id);
    await h.press(h.lastSent(), `🟢 Подтвердить #${id}`);
    await deliverAll(worker);
    expect(h.api.delivered().filter((d) => d.chatId === STUDENT.id).at(-1)!.text).toMatch(/^Ира, ваша заявка подтверждена! 🎉/);
    expect(await rawQuery(database, "SELECT confirmed FROM bookings WHERE user_id = $1", [STUDENT.id])).toEqual([{ confirmed: 2 }]);
    // The real system's history of it, as its dashboard reads events.
    expect((await rawQuery(database, "SELECT event_type FROM events WHERE user_id = $1 ORDER BY id", [STUDENT.id])).map((e) => e.event_type)).toEqual([
      "booking_created",
      "payment_proof_uploaded",
      "booking_status_changed",
      "booking_status_changed",
      "payment_approved",
    ]);

    // And /stats shows the chart, the confirmed booking in its caption.
    const stats = await h.send("/stats");
    expect(stats[0]!.method).toBe("sendPhoto");
    expect(stats[0]!.payload.caption).toContain("Заявок: 1 — 🟢 1 · 🟡 0 · ⚪ 0 · 🔴 0");
  });

  it("the real bot's coupons and uses keep working beside ours, and it reads ours as valid until switched off", async () => {
    await real.createCoupon("REAL0001", 50, 5, 9_001);
    const ours = await rawQuery(database, "SELECT id FROM referral_coupons WHERE code = 'BLOG2027'");
    const booking = await real.createBooking({ userId: 5_202, username: "boris", firstName: "Борис", courseId: 1, code: "BLOG2027", discount: 20, stream: "9th_stream" });
    await real.applyCoupon(Number(ours[0]!.id), 5_202, booking);
    // The real bot's validity check, on the coupon our admin made.
    const valid = "SELECT count(*)::int AS n FROM referral_coupons WHERE code = $1 AND is_active = 1 AND current_activations < max_activations";
    expect(await rawQuery(database, valid, ["BLOG2027"])).toEqual([{ n: 1 }]);

    await h.send("/coupons");
    const list = h.lastSent();
    expect(list.text).toMatch(/^🎟 <b>Промокоды<\/b> · 1–2 из 2\n\n<code>REAL0001<\/code> · 50% · 0\/5 · 🟢\n<code>BLOG2027<\/code> · 20% · 2\/20 · 🟢 · Блогер\n/);
    await h.press(list, "🟢 BLOG2027 · 20% · 2/20");
    expect(h.lastSent().text).toContain("Заявки с промокодом: 2 — ⚪ 1 · 🟡 0 · 🟢 1 · 🔴 0\nПодтверждено: 1 из 2 (50\u00a0%)");
    await h.press(list, "⛔ Выключить");
    await h.press(list, "⛔ Да, выключить");
    expect(await rawQuery(database, valid, ["BLOG2027"])).toEqual([{ n: 0 }]);
  });

  it("renaming and deactivating a course keep the real columns valid (name NOT NULL)", async () => {
    await h.send("/courses");
    const screen = h.lastSent();
    await h.press(screen, "📚 Вайб кодинг");
    await h.press(screen, "✏️ Переименовать");
    await h.send("Вайб-кодинг 2027");
    await h.press(h.lastSent(), "✅ Да, переименовать");
    await h.press(h.lastSent(), "⏸ Деактивировать");
    await h.press(h.lastSent(), "⏸ Да, деактивировать");
    expect(await rawQuery(database, "SELECT name, button_text, is_active FROM courses")).toEqual([{ name: "Вайб-кодинг 2027", button_text: "Записаться", is_active: false }]);
    expect(buttonRows((await h.send("/start", STUDENT))[0]!.payload.reply_markup)).toEqual([["📋 Мои заявки"]]);
    // The real bot still books course 1 from its own config.
    await real.createBooking({ userId: 5_203, username: null, firstName: "Вера", courseId: 1, stream: "9th_stream" });
  });
});
