import { beforeAll, describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { recordPaymentProof } from "../../src/bookings/payment-proof";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { acceptedWithFriend10, openTwoStreams } from "../helpers/fixtures";
import { buttonRows, createHarness } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";
import { FAST, deliverAll, testWorker } from "../delivery/helpers";

/**
 * The core loop through the real bot and the fake Bot API: a student books and gets one answer
 * (accepted, how and where to pay), sends a photo of the payment; it joins the admins' review
 * queue, an admin confirms it there; the student gets the confirmation.
 */
const IRA: User = { id: 424_101, is_bot: false, first_name: "Ира", username: "ira_k", language_code: "ru" };
const OLEG: User = { id: 424_102, is_bot: false, first_name: "Олег", language_code: "ru" };
const SAM: User = { id: 424_103, is_bot: false, first_name: "Sam", username: "sam_uk", language_code: "en" };
const LUCKY: User = { id: 424_104, is_bot: false, first_name: "Лаки", language_code: "ru" };
const ADMIN_2: User = { id: 1002, is_bot: false, first_name: "Ben", language_code: "en" };
const LONG: User = { id: 424_105, is_bot: false, first_name: "Лонг", language_code: "ru" };

const { database, h } = useBotFixture({
  env: { ADMIN_IDS: `${ADMIN.id},${ADMIN_2.id}` },
  seed: async (database) => {
    await openTwoStreams(database.db);
    await rawExec(
      database,
      `INSERT INTO referral_coupons (code, discount_percent, max_activations, created_by, is_active)
       VALUES ('FRIEND10', 10, 50, 1, 1), ('FREE100', 100, 1, 1, 1);`,
    );
  },
});
let worker: ReturnType<typeof testWorker>;

beforeAll(async () => {
  await h.send("/lang en", ADMIN_2);
  worker = testWorker(database.db, h.api, FAST);
});

async function book(student: User, button: string, start = "/start"): Promise<number> {
  await h.send(start, student);
  await h.press(h.lastSent(student.id), button, student);
  const [row] = await rawQuery(database, "SELECT max(id) AS id FROM bookings WHERE user_id = $1", [student.id]);
  return Number(row!.id);
}

const statusOf = async (id: number) => (await rawQuery(database, "SELECT confirmed FROM bookings WHERE id = $1", [id]))[0]!.confirmed;
const eventsOf = (id: number) =>
  rawQuery(database, "SELECT event_type, details - 'username' - 'first_name' AS details FROM events WHERE details->>'booking_id' = $1 ORDER BY id", [String(id)]);
const counts = async () =>
  (await rawQuery(database, "SELECT (SELECT count(*) FROM payment_proofs)::int AS proofs, (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM outbox)::int AS outbox, (SELECT string_agg(id || ':' || confirmed, ',' ORDER BY id) FROM bookings) AS statuses"))[0];

describe("payment proof", () => {
  let ira = 0;

  it("a new booking brings one answer: accepted, the price less the discount, how and where to pay", async () => {
    await h.send("/start ref_FRIEND10", IRA);
    const press = await h.press(h.lastSent(IRA.id), "Вайб кодинг · 7-й поток · старт 01.12", IRA);
    // The press is answered at once; the message itself comes through the outbox, queued with the booking.
    expect(press).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "Заявка принята" }) }]);
    ira = Number((await rawQuery(database, "SELECT id FROM bookings WHERE user_id = $1", [IRA.id]))[0]!.id);
    await deliverAll(worker);
    const toIra = h.api.delivered().filter((d) => d.chatId === IRA.id).map((d) => d.text);
    expect(toIra).toHaveLength(2);
    expect(toIra[1]).toBe(acceptedWithFriend10(ira));
    expect(buttonRows(h.lastSent(IRA.id).reply_markup)).toEqual([["📋 Мои заявки"]]);
    expect(await rawQuery(database, "SELECT kind, priority FROM outbox WHERE chat_id = $1", [IRA.id])).toEqual([{ kind: "booking_accepted", priority: 1 }]);
  });

  it("templates too long to share one message go as messages of their own, plain text", async () => {
    const long = "x".repeat(2_500);
    await rawExec(database, `INSERT INTO message_templates (kind, body) VALUES ('payment_instructions', '${long} {price}'), ('payment_details', '${long}')`);
    try {
      const id = await book(LONG, "Вайб кодинг · 8-й поток · старт 15.01");
      await deliverAll(worker);
      const parts = h.api.calls.filter((c) => c.method === "sendMessage" && c.payload.chat_id === LONG.id).slice(1);
      expect(parts.map((c) => [c.payload.text!.split("\n")[0]!.slice(0, 60), c.payload.parse_mode ?? null])).toEqual([
        [`✅ Заявка #${id} принята: Вайб кодинг, 8-й поток.`, "HTML"],
        ["x".repeat(60), null],
        ["x".repeat(60), null],
      ]);
      expect(buttonRows(parts[2]!.payload.reply_markup)).toEqual([["📋 Мои заявки"]]);
    } finally {
      await rawExec(database, "DELETE FROM message_templates");
    }
  });

  it("text from a student waiting to pay reaches the admins, moves nothing, and brings a hint to send the receipt; commands still work", async () => {
    const hint = await h.send("я оплатила", IRA);
    expect(hint.filter((c) => c.payload.chat_id === IRA.id).map((c) => c.payload.text)).toEqual([
      "✉️ Передали команде — ответ придёт сюда. Если вы уже оплатили, пришлите сюда фото или PDF чека: так заявка быстрее попадёт на проверку.",
    ]);
    // A text is no payment (the real bot would move the booking to 1 here; we do not).
    expect(await statusOf(ira)).toBe(0);
    expect((await eventsOf(ira)).at(-1)).toEqual({
      event_type: "alternative_payment_proof",
      details: { booking_id: ira, message_type: "text", booking_status: 0, message_text: "я оплатила", source: "admin_bot" },
    });
    const start = await h.send("/start", IRA);
    expect(start[0]!.payload.text).toMatch(/^Здравствуйте, Ира! 👋/);
  });

  it("a photo moves the booking to pending in one go with the real events, and it joins the admins' review queue", async () => {
    const calls = await h.sendPhoto(IRA, "AgACAgIAAx-ira-receipt");
    expect(calls).toEqual([
      {
        method: "sendMessage",
        payload: {
          chat_id: IRA.id,
          text: `📎 Спасибо! Чек по заявке #${ira} (Вайб кодинг, 7-й поток) получен. Администратор проверит оплату и подтвердит заявку — мы вам напишем.`,
          parse_mode: "HTML",
        },
      },
    ]);
    expect(await statusOf(ira)).toBe(1);
    const [proof] = await rawQuery(database, "SELECT id, booking_id, user_id::int AS user_id, kind, file_id, file_unique_id FROM payment_proofs");
    // The largest of the photo's sizes is kept.
    expect(proof).toMatchObject({ booking_id: ira, user_id: IRA.id, kind: "photo", file_id: "AgACAgIAAx-ira-receipt", file_unique_id: expect.stringMatching(/^large-/) });
    expect(await eventsOf(ira)).toEqual([
      { event_type: "booking_created", details: { booking_id: ira, course_id: 1, source: "admin_bot" } },
      { event_type: "alternative_payment_proof", details: expect.objectContaining({ message_text: "я оплатила" }) },
      { event_type: "payment_proof_uploaded", details: { booking_id: ira, proof_id: proof!.id, file_kind: "photo", source: "admin_bot" } },
      {
        event_type: "booking_status_changed",
        details: {
          booking_id: ira,
          old_status: 0,
          new_status: 1,
          old_status_name: "pending",
          new_status_name: "payment_uploaded",
          actor_id: IRA.id,
          actor_name: "Ира",
          actor_role: "student",
          source: "admin_bot",
        },
      },
    ]);

    expect(await rawQuery(database, "SELECT booking_id FROM proof_queue")).toEqual([{ booking_id: ira }]);
    // Receipts are not pushed to the admins one message each: they walk the queue (/queue).
    const before = h.api.calls.length;
    await deliverAll(worker);
    expect(h.api.calls.slice(before).filter((c) => c.method === "sendPhoto")).toEqual([]);
  });

  it("a second proof (a PDF) is kept with the booking, which keeps its place in the queue; the status stays pending", async () => {
    const calls = await h.sendDocument(IRA, { fileId: "BQACAgIAAx-ira-pdf" });
    expect(calls.map((c) => c.payload.text)).toEqual([`📎 Получили ещё один файл к заявке #${ira} и передали администратору.`]);
    expect(await statusOf(ira)).toBe(1);
    expect(await rawQuery(database, "SELECT kind, file_id FROM payment_proofs ORDER BY id")).toEqual([
      { kind: "photo", file_id: "AgACAgIAAx-ira-receipt" },
      { kind: "document", file_id: "BQACAgIAAx-ira-pdf" },
    ]);
    expect((await eventsOf(ira)).map((e) => e.event_type)).toEqual(["booking_created", "alternative_payment_proof", "payment_proof_uploaded", "booking_status_changed", "payment_proof_uploaded"]);
    expect(await rawQuery(database, "SELECT booking_id FROM proof_queue")).toEqual([{ booking_id: ira }]);
  });

  it("the admin confirms it in the queue, the card shows both files under 📎, and the student gets the confirmation", async () => {
    const opened = await h.send("/queue");
    // The newest file of the booking, by its file id, with what it is for.
    expect(opened[0]).toMatchObject({ method: "sendDocument", payload: { chat_id: ADMIN.id, document: "BQACAgIAAx-ira-pdf", parse_mode: "HTML" } });
    expect(opened[0]!.payload.caption!.split("\n")).toEqual([
      `📥 <b>Чек по заявке #${ira}</b> · ещё ждут: 0`,
      `Ира · @ira_k · id <code>${IRA.id}</code>`,
      "Вайб кодинг · 7-й поток · скидка 10% (<code>FRIEND10</code>)",
      "К оплате: $135",
      expect.stringMatching(/^Прислан: \d\d\.\d\d\.\d{4} \d\d:\d\d$/),
      `Карточка: /b${ira}`,
    ]);
    expect(buttonRows(opened[0]!.payload.reply_markup)).toEqual([[`🟢 Подтвердить #${ira}`, "⏭ Пропустить"]]);
    const confirmed = await h.press(h.lastSent(), `🟢 Подтвердить #${ira}`);
    expect(confirmed.map((c) => c.method)).toEqual(["editMessageCaption", "answerCallbackQuery"]);
    expect(confirmed[0]!.payload.caption).toBe(`🟢 Заявка #${ira} подтверждена\n📭 Чеков на проверке нет.`);
    expect(await statusOf(ira)).toBe(2);
    expect(await rawQuery(database, "SELECT booking_id FROM proof_queue")).toEqual([]);
    await h.send(`/b${ira}`);
    const card = h.lastSent();
    await deliverAll(worker);
    expect(h.api.delivered().filter((d) => d.chatId === IRA.id).at(-1)!.text).toMatch(/^Ира, ваша заявка подтверждена! 🎉/);

    // 📎 sends both proofs again, oldest first, by their file ids.
    const shown = await h.press(card, "📎 Чеки (2)");
    expect(shown.map((c) => [c.method, c.payload.photo ?? c.payload.document])).toEqual([
      ["answerCallbackQuery", undefined],
      ["sendPhoto", "AgACAgIAAx-ira-receipt"],
      ["sendDocument", "BQACAgIAAx-ira-pdf"],
    ]);
    expect(shown[1]!.payload.caption).toMatch(new RegExp(`^📎 Чек по заявке #${ira} · 1 из 2 · \\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d$`));
  });

  it("a card without proofs has no 📎; a forged 📎 press answers without sending anything", async () => {
    const [other] = await rawQuery(database, "INSERT INTO bookings (user_id, course_id, course_stream) VALUES (5, 1, '8th_stream') RETURNING id");
    const card = await h.send(`/booking ${other!.id}`);
    expect(buttonRows(card[0]!.payload.reply_markup)).toEqual([["🟢 Подтвердить", "🟡 В ожидание", "🔴 Отменить"], ["↻ Обновить"], ["✉️ Написать"]]);
    const none = await h.pressData(h.lastSent(), `p:${Number(other!.id).toString(36)}`);
    expect(none).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: `К заявке #${other!.id} чеков нет.`, show_alert: true }) }]);
    for (const data of ["p:", "p:0", "p:01", "p:zzzzzzz", "p:1:2"]) {
      const calls = await h.pressData(h.lastSent(), data);
      expect(calls, data).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "Эта кнопка устарела. Откройте список заново: /bookings" }) }]);
    }
  });

  it("a photo with nothing to pay for is no proof: it reaches the admins as a message, and no booking or proof changes", async () => {
    await rawExec(database, "DELETE FROM student_relays");
    const before = await rawQuery(database, "SELECT (SELECT count(*) FROM payment_proofs)::int AS proofs, (SELECT string_agg(id || ':' || confirmed, ',' ORDER BY id) FROM bookings) AS statuses");
    const calls = await h.sendPhoto(IRA);
    expect(calls.filter((c) => c.payload.chat_id === IRA.id).map((c) => c.payload.text)).toEqual(["✉️ Передали команде — ответ придёт сюда."]);
    expect(await rawQuery(database, "SELECT (SELECT count(*) FROM payment_proofs)::int AS proofs, (SELECT string_agg(id || ':' || confirmed, ',' ORDER BY id) FROM bookings) AS statuses")).toEqual(before);
    expect(await rawQuery(database, "SELECT kind, chat_id::float8 AS chat, copy_message_id IS NOT NULL AS copy FROM outbox WHERE kind = 'student_relay' AND student_id = $1 ORDER BY id DESC LIMIT 2", [IRA.id])).toEqual([
      { kind: "student_relay", chat: ADMIN_2.id, copy: true },
      { kind: "student_relay", chat: ADMIN.id, copy: true },
    ]);
  });

  it("a file that is neither a photo nor a PDF is asked for again and changes nothing", async () => {
    const id = await book(OLEG, "Вайб кодинг · 8-й поток · старт 15.01");
    const before = await counts();
    const calls = await h.sendDocument(OLEG, { mimeType: "application/zip", fileName: "receipt.zip" });
    expect(calls.map((c) => c.payload.text)).toEqual(["Пришлите чек фотографией или PDF-файлом."]);
    expect(await counts()).toEqual(before);
    expect(await statusOf(id)).toBe(0);
  });

  it("the newest booking waiting for payment takes the proof", async () => {
    const older = Number((await rawQuery(database, "SELECT id FROM bookings WHERE user_id = $1", [OLEG.id]))[0]!.id);
    const newer = await book(OLEG, "Вайб кодинг · 7-й поток · старт 01.12");
    const calls = await h.sendDocument(OLEG, { mimeType: "image/jpeg", fileName: "scan.jpg" });
    expect(calls[0]!.payload.text).toBe(`📎 Спасибо! Чек по заявке #${newer} (Вайб кодинг, 7-й поток) получен. Администратор проверит оплату и подтвердит заявку — мы вам напишем.`);
    expect([await statusOf(older), await statusOf(newer)]).toEqual([0, 1]);
  });

  it("with a 100% coupon there is nothing to pay: no instructions", async () => {
    const id = await book(LUCKY, "Вайб кодинг · 7-й поток · старт 01.12", "/start ref_FREE100");
    await deliverAll(worker);
    expect(h.api.delivered().filter((d) => d.chatId === LUCKY.id).map((d) => d.text).at(-1)).toBe(
      `✅ Заявка #${id} принята: Вайб кодинг, 7-й поток.\nСкидка по промокоду FREE100: 100%.\nОплачивать ничего не нужно: администратор проверит и подтвердит заявку. Статус — в «Мои заявки».`,
    );
    expect(await rawQuery(database, "SELECT kind FROM outbox WHERE booking_id = $1 AND chat_id = $2", [id, LUCKY.id])).toEqual([{ kind: "booking_accepted" }]);
  });
});

describe("a student whose Telegram is in English", () => {
  it("reads every step in one language, the templates' (Russian), from the offer to the last receipt", async () => {
    await h.send("/start", SAM);
    const booked = await h.press(h.lastSent(SAM.id), "Вайб кодинг · 7-й поток · старт 01.12", SAM);
    expect(booked).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "Заявка принята" }) }]);
    const id = Number((await rawQuery(database, "SELECT id FROM bookings WHERE user_id = $1", [SAM.id]))[0]!.id);
    await deliverAll(worker);
    expect(h.api.delivered().filter((d) => d.chatId === SAM.id).at(-1)!.text.split("\n").slice(0, 2)).toEqual([
      `✅ Заявка #${id} принята: Вайб кодинг, 7-й поток.`,
      "Что дальше: оплатите, как написано ниже, и пришлите сюда фото чека или PDF-файл. Статус — в «Мои заявки».",
    ]);
    expect((await h.send("done, paid", SAM)).find((c) => c.payload.chat_id === SAM.id)!.payload.text).toBe(
      "✉️ Передали команде — ответ придёт сюда. Если вы уже оплатили, пришлите сюда фото или PDF чека: так заявка быстрее попадёт на проверку.",
    );
    expect((await h.sendDocument(SAM, { mimeType: "text/plain" }))[0]!.payload.text).toBe("Пришлите чек фотографией или PDF-файлом.");
    expect((await h.sendPhoto(SAM))[0]!.payload.text).toMatch(new RegExp(`^📎 Спасибо! Чек по заявке #${id} `));
    await rawExec(database, `UPDATE bookings SET confirmed = 2 WHERE id = ${id}`);
    // Paid and confirmed: a photo now is a message for the admins, counted on the relay of "done, paid" (told once already).
    expect((await h.sendPhoto(SAM)).filter((c) => c.payload.chat_id === SAM.id)).toEqual([]);
    expect(await rawQuery(database, "SELECT more FROM student_relays WHERE user_id = $1 ORDER BY chat_id", [SAM.id])).toEqual([{ more: 1 }, { more: 1 }]);
  });

  it("an English admin's card says 📎 Proof", async () => {
    const [row] = await rawQuery(database, "SELECT booking_id FROM payment_proofs WHERE user_id = $1 LIMIT 1", [OLEG.id]);
    const card = await h.send(`/booking ${row!.booking_id}`, ADMIN_2);
    expect(buttonRows(card[0]!.payload.reply_markup)).toEqual([["🟢 Confirm", "🔴 Cancel"], ["↻ Refresh", "📎 Proof"], ["✉️ Write"]]);
    const shown = await h.press(h.lastSent(ADMIN_2.id), "📎 Proof", ADMIN_2);
    expect(shown[1]!.payload.caption).toMatch(new RegExp(`^📎 Proof for booking #${row!.booking_id} · 1 of 1 · `));
  });
});

describe("an album of photos arriving at the same instant", () => {
  it("moves the booking once; every photo is kept", async () => {
    const student = { id: 424_150, firstName: "Альбом" };
    const [row] = await rawQuery(database, "INSERT INTO bookings (user_id, course_id, course_stream) VALUES ($1, 1, '7th_stream') RETURNING id", [student.id]);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => recordPaymentProof(database.db, { student, file: { kind: "photo", fileId: `album-${i}` } })),
    );
    expect(results.filter((r) => r.kind === "moved")).toHaveLength(1);
    expect(results.filter((r) => r.kind === "added")).toHaveLength(5);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM payment_proofs WHERE booking_id = $1", [row!.id])).toEqual([{ n: 6 }]);
    expect(
      await rawQuery(database, "SELECT event_type, count(*)::int AS n FROM events WHERE details->>'booking_id' = $1 GROUP BY 1 ORDER BY 1", [String(row!.id)]),
    ).toEqual([
      { event_type: "booking_status_changed", n: 1 },
      { event_type: "payment_proof_uploaded", n: 6 },
    ]);
  });
});

describe("with STUDENT_BOOKING=off", () => {
  it("a photo is no proof: it reaches the admins as a message, and no proof is stored", async () => {
    const off = await createHarness(database.db, { STUDENT_BOOKING: "off" });
    try {
      const waiting: User = { id: 424_199, is_bot: false, first_name: "Вера" };
      await rawExec(database, `INSERT INTO bookings (user_id, course_id, course_stream) VALUES (${waiting.id}, 1, '7th_stream')`);
      const proofs = () => rawQuery(database, "SELECT count(*)::int AS n FROM payment_proofs");
      const before = await proofs();
      const calls = await off.sendPhoto(waiting);
      expect(calls.filter((c) => c.payload.chat_id === waiting.id).map((c) => c.payload.text)).toEqual([
        "✉️ Передали команде — ответ придёт сюда. Если вы уже оплатили, пришлите сюда фото или PDF чека: так заявка быстрее попадёт на проверку.",
      ]);
      expect(await proofs()).toEqual(before);
    } finally {
      await off.close();
    }
  });
});
