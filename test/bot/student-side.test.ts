import { describe, expect, it } from "vitest";
import type { Message, User } from "grammy/types";
import { createStudentBooking } from "../../src/bookings/student-booking";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { acceptedWithFriend10, openTwoStreams } from "../helpers/fixtures";
import { createHarness } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";
import { expectScreen } from "../helpers/screens";

const IRA: User = { id: 424_001, is_bot: false, first_name: "Ира", username: "ira_k", language_code: "ru" };
const { database, h } = useBotFixture({
  env: { ADMIN_IDS: `${ADMIN.id},1002` },
  seed: async (database) => {
    await openTwoStreams(database.db);
    await rawExec(
      database,
      `INSERT INTO referral_coupons (code, discount_percent, max_activations, created_by, is_active)
       VALUES ('FRIEND10', 10, 50, 1, 1), ('OLD', 50, 5, 1, 0), ('GONE', 30, 1, 1, 1);
       UPDATE referral_coupons SET current_activations = 1 WHERE code = 'GONE';`,
    );
  },
});

const bookingsOf = (userId: number) =>
  rawQuery(database, "SELECT id, confirmed, course_stream, referral_code, discount_percent FROM bookings WHERE user_id = $1 ORDER BY id", [userId]);

describe("a student", () => {
  it("/start with a referral link is recorded and sees the open streams", async () => {
    const calls = await h.send("/start friend10", IRA);
    expectScreen(calls, ["Здравствуйте, Ира! 👋\nПромокод <code>FRIEND10</code>: скидка 10% к заявке.\nВыберите курс и поток, чтобы оставить заявку:"], [
      ["Вайб кодинг · 7-й поток · старт 01.12"],
      ["Вайб кодинг · 8-й поток · старт 15.01"],
      ["📋 Мои заявки"],
    ]);
    expect(await rawQuery(database, "SELECT username, first_name, referral_code FROM users WHERE user_id = $1", [IRA.id])).toEqual([
      { username: "ira_k", first_name: "Ира", referral_code: "FRIEND10" },
    ]);
  });

  it("an unknown, inactive or used-up code is not remembered, and the student is told why", async () => {
    const stranger: User = { id: 424_002, is_bot: false, first_name: "Гость" };
    const said = async (param: string) => (await h.send(`/start ${param}`, stranger))[0]!.payload.text!.split("\n")[1];
    expect(await said("OLD")).toBe("Промокод <code>OLD</code> не найден или выключен.");
    expect(await said("ref_NOPE1234")).toBe("Промокод <code>NOPE1234</code> не найден или выключен.");
    expect(await said("ref_GONE")).toBe("У промокода <code>GONE</code> закончились активации.");
    expect(await rawQuery(database, "SELECT referral_code FROM users WHERE user_id = $1", [stranger.id])).toEqual([{ referral_code: null }]);
  });

  it("takes the real bot's link form /start ref_<CODE>", async () => {
    const friend: User = { id: 424_003, is_bot: false, first_name: "Друг" };
    const calls = await h.send("/start ref_FRIEND10", friend);
    expect(calls[0]!.payload.text).toContain("Промокод <code>FRIEND10</code>: скидка 10% к заявке.");
    expect(await rawQuery(database, "SELECT referral_code FROM users WHERE user_id = $1", [friend.id])).toEqual([{ referral_code: "FRIEND10" }]);
  });

  it("books a stream with the discount, and every admin gets a notice with a button to the card", async () => {
    await h.send("/start", IRA);
    const calls = await h.press(h.lastSent(IRA.id), "Вайб кодинг · 7-й поток · старт 01.12", IRA);
    // The press is answered at once; the student's message is queued with the booking.
    expect(calls.map((c) => c.method)).toEqual(["answerCallbackQuery"]);
    const [booking] = await bookingsOf(IRA.id);
    expect(booking).toMatchObject({ confirmed: 0, course_stream: "7th_stream", referral_code: "FRIEND10", discount_percent: 10 });
    // One message: accepted, the price less the discount, how to pay, then the details.
    expect(await rawQuery(database, "SELECT dedupe_key, text, parse_mode, priority FROM outbox WHERE kind = 'booking_accepted' ORDER BY id")).toEqual([
      {
        dedupe_key: `booking:${booking!.id}:accepted`,
        text: acceptedWithFriend10(Number(booking!.id)),
        parse_mode: "HTML",
        priority: 1,
      },
    ]);
    // The coupon is used as the real bot uses it: a usage row and one activation.
    expect(await rawQuery(database, "SELECT u.user_id::int AS user_id, u.booking_id, c.current_activations FROM referral_usage u JOIN referral_coupons c ON c.id = u.coupon_id")).toEqual([
      { user_id: IRA.id, booking_id: booking!.id, current_activations: 1 },
    ]);
    expect(await rawQuery(database, "SELECT event_type, details - 'username' - 'first_name' AS details FROM events WHERE user_id = $1", [IRA.id])).toEqual([
      { event_type: "booking_created", details: { booking_id: booking!.id, course_id: 1, source: "admin_bot" } },
    ]);

    const notices = await rawQuery(database, "SELECT chat_id::int AS chat_id, text, parse_mode, reply_markup FROM outbox WHERE kind = 'admin_notice' ORDER BY chat_id");
    expect(notices.map((n) => n.chat_id)).toEqual([ADMIN.id, 1002]);
    expect(notices[0]!.text).toBe(
      `🆕 <b>Новая заявка #${booking!.id}</b>\nИра · @ira_k · id <code>${IRA.id}</code>\nВайб кодинг · 7-й поток · скидка 10% (<code>FRIEND10</code>)`,
    );
    // The admin presses the notice's button (as the delivery worker would have sent it).
    const notice = { message_id: 9_999, date: 0, chat: { id: ADMIN.id, type: "private", first_name: "A" }, text: "x", reply_markup: notices[0]!.reply_markup } as Message;
    h.api.messages.set(`${ADMIN.id}:9999`, notice);
    const opened = await h.press(notice, `Открыть заявку #${booking!.id}`);
    expect(opened[0]!.payload.text).toMatch(new RegExp(`^<b>Заявка #${booking!.id}</b>\\n⚪ Новая заявка`));
    expect(opened[0]!.payload.text).toContain("· ∅ → ⚪ · студент");
  });

  it("cannot book the same stream twice", async () => {
    await h.send("/start", IRA);
    const calls = await h.press(h.lastSent(IRA.id), "Вайб кодинг · 7-й поток · старт 01.12", IRA);
    expect(calls).toEqual([
      { method: "answerCallbackQuery", payload: expect.objectContaining({ text: "У вас уже есть заявка на этот поток — смотрите «Мои заявки».", show_alert: true }) },
    ]);
    expect(await bookingsOf(IRA.id)).toHaveLength(1);
  });

  it("a closed stream or a forged button books nothing", async () => {
    const message = h.lastSent(IRA.id);
    const closed = await h.pressData(message, "s:b:1:3rd_stream", IRA);
    expect(closed[0]!.payload).toMatchObject({ text: "Запись на этот поток закрыта. Нажмите /start, чтобы увидеть открытые." });
    for (const data of ["s:b:0:x", "s:b:1:", "s:x:0", "s:zz", "s:b:zzzzzzz:7th_stream"]) {
      const calls = await h.pressData(message, data, IRA);
      expect(calls, data).toHaveLength(1);
      expect(calls[0]!.method).toBe("answerCallbackQuery");
    }
    expect(await bookingsOf(IRA.id)).toHaveLength(1);
  });

  it("sees their bookings and cancels one not yet confirmed, after one more press", async () => {
    await h.send("/start", IRA);
    const mine = await h.press(h.lastSent(IRA.id), "📋 Мои заявки", IRA);
    expect(mine[1]!.payload.text).toMatch(/^<b>Ваши заявки<\/b>\n⚪ Новая заявка · Вайб кодинг, 7-й поток · от \d\d\.\d\d\.\d{4} \d\d:\d\d$/);
    const [booking] = await bookingsOf(IRA.id);
    const ask = await h.press(h.lastSent(IRA.id), `Отменить заявку #${booking!.id}`, IRA);
    expect(ask[1]!.payload.text).toBe(`Отменить заявку #${booking!.id} (Вайб кодинг, 7-й поток)?`);
    const done = await h.press(h.lastSent(IRA.id), "Да, отменить", IRA);
    expect(done.map((c) => [c.method, c.payload.text])).toEqual([
      ["answerCallbackQuery", undefined],
      ["editMessageText", `Заявка #${booking!.id} отменена.`],
    ]);
    expect((await bookingsOf(IRA.id))[0]).toMatchObject({ confirmed: -1 });
    expect(
      await rawQuery(database, "SELECT event_type, details->>'actor_role' AS role, details->>'old_status' AS old, details->>'new_status' AS new FROM events WHERE details->>'booking_id' = $1 ORDER BY id", [String(booking!.id)]),
    ).toEqual([
      { event_type: "booking_created", role: null, old: null, new: null },
      { event_type: "booking_status_changed", role: "student", old: "0", new: "-1" },
      { event_type: "booking_cancelled", role: null, old: null, new: null },
    ]);
    expect(await rawQuery(database, "SELECT kind FROM outbox WHERE booking_id = $1 AND kind NOT IN ('admin_notice', 'booking_accepted')", [booking!.id])).toEqual([]);
  });

  it("with nothing booked, 'my bookings' says so", async () => {
    const newcomer: User = { id: 424_300, is_bot: false, first_name: "Новенький" };
    await h.send("/start", newcomer);
    const calls = await h.press(h.lastSent(newcomer.id), "📋 Мои заявки", newcomer);
    expect(calls[1]!.payload).toEqual({ chat_id: newcomer.id, text: "У вас пока нет заявок. Записаться: /start", parse_mode: "HTML" });
  });

  it("cannot cancel someone else's booking with a forged button", async () => {
    const [other] = await rawQuery(database, "INSERT INTO bookings (user_id, course_id, course_stream) VALUES (5, 1, '8th_stream') RETURNING id");
    const calls = await h.pressData(h.lastSent(IRA.id), `s:y:${Number(other!.id).toString(36)}`, IRA);
    expect(calls[0]!.payload).toMatchObject({ text: "Эта кнопка устарела. Нажмите /start" });
    expect(await rawQuery(database, "SELECT confirmed FROM bookings WHERE id = $1", [other!.id])).toEqual([{ confirmed: 0 }]);
  });
});

describe("two booking attempts at the same instant", () => {
  it("make one booking; the other is told it exists", async () => {
    const student = { id: 424_100, firstName: "Двойной" };
    const attempt = () => createStudentBooking(database.db, { student, courseId: 1, streamCode: "8th_stream", timeZone: "Europe/Moscow", studentMessages: () => [], adminNotice: () => [] });
    const results = await Promise.all(Array.from({ length: 8 }, attempt));
    expect(results.filter((r) => r.kind === "created")).toHaveLength(1);
    expect(results.filter((r) => r.kind === "duplicate")).toHaveLength(7);
    expect(await bookingsOf(student.id)).toHaveLength(1);
  });
});

describe("with STUDENT_BOOKING=off", () => {
  it("/start only registers, and booking buttons do nothing", async () => {
    const off = await createHarness(database.db, { STUDENT_BOOKING: "off" });
    try {
      const pavel: User = { id: 424_200, is_bot: false, first_name: "Павел" };
      const calls = await off.send("/start", pavel);
      expect(calls[0]!.payload.text).toBe("Здравствуйте, Павел! Здесь вы будете получать сообщения о ваших заявках на курсы.");
      expect(await rawQuery(database, "SELECT first_name FROM users WHERE user_id = $1", [pavel.id])).toEqual([{ first_name: "Павел" }]);
      const press = await off.pressData(off.lastSent(pavel.id), "s:b:1:7th_stream", pavel);
      expect(press[0]!.payload).toMatchObject({ text: "Эта кнопка устарела. Нажмите /start" });
      expect(await bookingsOf(pavel.id)).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
