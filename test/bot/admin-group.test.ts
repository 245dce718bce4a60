import { beforeAll, describe, expect, it } from "vitest";
import type { Message, User } from "grammy/types";
import { failedDeliveryNotices } from "../../src/bot/notices";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { buttonRows, createHarness, type Harness } from "../helpers/harness";
import { ADMIN, callbackUpdate, groupMessageUpdate } from "../helpers/updates";
import { FAST, deliverAll, testWorker } from "../delivery/helpers";

/**
 * ADMIN_CHAT_ID: new bookings, payment proofs and failed deliveries go to the admins' group with
 * the card's buttons; admins press them there, anyone else is refused; nothing else in a group
 * gets an answer.
 */
const GROUP = -1_001_234_567_890;
const OTHER_GROUP = -1_009_999;
const ADMIN_2: User = { id: 1002, is_bot: false, first_name: "Борис", language_code: "ru" };
const MEMBER: User = { id: 555_001, is_bot: false, first_name: "Участник", username: "just_member", language_code: "ru" };
const IRA: User = { id: 424_201, is_bot: false, first_name: "Ира", username: "ira_g", language_code: "ru" };
const SAM: User = { id: 424_202, is_bot: false, first_name: "Sam", language_code: "en" };

const { database, h } = useBotFixture({
  env: { ADMIN_IDS: `${ADMIN.id},${ADMIN_2.id}`, ADMIN_CHAT_ID: String(GROUP) },
  seed: (database) =>
    rawExec(
      database,
      `UPDATE courses SET price_usd_cents = 20000 WHERE id = 1;
       UPDATE streams SET is_open = true, starts_at = '2026-12-01 16:00:00+00' WHERE code = '7th_stream';`,
    ),
});
let worker: ReturnType<typeof testWorker>;
let ira = 0;

beforeAll(() => {
  // As main.ts wires it: a message to a student that fails for good raises a notice.
  worker = testWorker(database.db, h.api, FAST, { onOutcome: failedDeliveryNotices(h.deps.config) });
});

/** The bot's messages in the group, as they stand now. */
const inGroup = (): Message[] => [...h.api.messages.values()].filter((m) => m.chat.id === GROUP);
const statusOf = async (id: number) => (await rawQuery(database, "SELECT confirmed FROM bookings WHERE id = $1", [id]))[0]!.confirmed;
/** Feeds an update and returns every API call it caused. */
async function handle(update: Parameters<Harness["bot"]["handleUpdate"]>[0]) {
  const before = h.api.calls.length;
  await h.bot.handleUpdate(update);
  return h.api.calls.slice(before).map(({ method, payload }) => ({ method, payload }));
}

describe("the admin group", () => {
  it("gets a new booking with the card's buttons; no admin's private chat does", async () => {
    await h.send("/start", IRA);
    await h.press(h.lastSent(IRA.id), "Вайб кодинг · 7-й поток · старт 01.12", IRA);
    ira = Number((await rawQuery(database, "SELECT id FROM bookings WHERE user_id = $1", [IRA.id]))[0]!.id);
    expect(await rawQuery(database, "SELECT chat_id::float8 AS chat_id FROM outbox WHERE kind = 'admin_notice'")).toEqual([{ chat_id: GROUP }]);
    await deliverAll(worker);
    const [notice] = inGroup();
    expect(notice!.text).toBe(`🆕 <b>Новая заявка #${ira}</b>\nИра · @ira_g · id <code>${IRA.id}</code>\nВайб кодинг · 7-й поток`);
    expect(buttonRows(notice!.reply_markup)).toEqual([["🟢 Подтвердить", "🟡 В ожидание", "🔴 Отменить"], ["↻ Обновить"]]);
  });

  it("refuses a member who is not an admin, and changes nothing", async () => {
    const [notice] = inGroup();
    for (const label of ["🟢 Подтвердить", "🔴 Отменить", "↻ Обновить"]) {
      const calls = await h.press(notice!, label, MEMBER);
      expect(calls, label).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "⛔ Нет доступа" }) }]);
    }
    expect(await statusOf(ira)).toBe(0);
  });

  it("answers nothing else in a group: commands, text, other groups' buttons", async () => {
    for (const [text, from] of [["/bookings", ADMIN], ["/start", MEMBER], ["/booking 1", ADMIN_2], ["привет", ADMIN], ["/help", MEMBER]] as const) {
      expect(await handle(groupMessageUpdate(text, from, GROUP)), text).toEqual([]);
      expect(await handle(groupMessageUpdate(text, from, OTHER_GROUP)), text).toEqual([]);
    }
    const elsewhere = { ...inGroup()[0]!, chat: { id: OTHER_GROUP, type: "supergroup", title: "Other" } } as Message;
    expect(await handle(callbackUpdate(elsewhere, (inGroup()[0]!.reply_markup!.inline_keyboard[0]![0] as { callback_data: string }).callback_data, ADMIN) as never)).toEqual([]);
  });

  it("a forged or foreign button pressed by an admin there is stale", async () => {
    for (const data of ["l:a.a", "s:m", "t:e:c", "bx:q", "p:0", "c:s:0"]) {
      const calls = await h.pressData(inGroup()[0]!, data, ADMIN);
      expect(calls, data).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "Эта кнопка устарела. Откройте список заново: /bookings" }) }]);
    }
  });

  it("gets the payment proof; an admin cancels or confirms from it there", async () => {
    await h.sendPhoto(IRA, "AgAC-group-proof");
    await deliverAll(worker);
    const proof = inGroup().find((m) => m.photo)!;
    expect(proof.photo![0]!.file_id).toBe("AgAC-group-proof");
    expect(proof.caption!.split("\n")[0]).toBe(`📎 <b>Чек по заявке #${ira}</b> · ⚪ Новая заявка → 🟡 В ожидании`);
    expect(proof.caption).toContain("К оплате: $200");
    expect(buttonRows(proof.reply_markup)).toEqual([["🟢 Подтвердить", "🔴 Отменить"], ["↻ Обновить"]]);
    expect(h.api.callsOf("sendPhoto").map((c) => c.payload.chat_id)).toEqual([GROUP]);

    // A stranger cannot press the proof's buttons either.
    expect(await h.press(proof, "🟢 Подтвердить", MEMBER)).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "⛔ Нет доступа" }) }]);

    // Cancelling asks in a new message (a photo has no text to replace); the reason is for the private chat.
    const ask = await h.press(proof, "🔴 Отменить", ADMIN_2);
    expect(ask[0]).toMatchObject({ method: "sendMessage", payload: { chat_id: GROUP } });
    expect(buttonRows(ask[0]!.payload.reply_markup)).toEqual([["🔴 Отменить без причины"], ["✍️ Указать причину"], ["↩ Назад"]]);
    const question = h.lastSent(GROUP);
    const reason = await h.press(question, "✍️ Указать причину", ADMIN_2);
    expect(reason).toEqual([
      { method: "answerCallbackQuery", payload: expect.objectContaining({ text: `Отмену с причиной делайте в личном чате с ботом: /b${ira}`, show_alert: true }) },
    ]);
    const back = await h.press(question, "↩ Назад", ADMIN_2);
    expect(back[0]).toMatchObject({ method: "editMessageText", payload: { chat_id: GROUP } });
    expect(back[0]!.payload.text).toMatch(new RegExp(`^<b>Заявка #${ira}</b>\\n🟡 В ожидании`));
    expect(buttonRows(back[0]!.payload.reply_markup)).toEqual([["🟢 Подтвердить", "🔴 Отменить"], ["↻ Обновить", "📎 Чек"]]);

    await h.press(proof, "🟢 Подтвердить", ADMIN);
    const done = await h.press(h.lastSent(GROUP), "✅ Да, подтвердить", ADMIN);
    expect(done[0]!.payload.text!.split("\n")[0]).toBe("✅ Готово: 🟡 В ожидании → 🟢 Подтверждено. Студенту отправляется сообщение.");
    expect(await statusOf(ira)).toBe(2);
    // 📎 in the group sends the proof there.
    const shown = await h.press(h.lastSent(GROUP), "📎 Чек", ADMIN_2);
    expect(shown.map((c) => [c.method, c.payload.chat_id ?? null])).toEqual([
      ["answerCallbackQuery", null],
      ["sendPhoto", GROUP],
    ]);
  });

  it("hears of a message to a student that failed for good, with the card's buttons; never of its own notices failing", async () => {
    h.api.failChat(IRA.id, { error_code: 403, description: "Forbidden: bot was blocked by the user" }, 1);
    await deliverAll(worker);
    expect(await rawQuery(database, "SELECT status, last_error FROM outbox WHERE booking_id = $1 AND kind = 'confirmation'", [ira])).toEqual([
      { status: "failed", last_error: "403: Forbidden: bot was blocked by the user" },
    ]);
    const notice = inGroup().at(-1)!;
    expect(notice.text).toBe(`⚠️ <b>Не доставлено</b>: Подтверждение · заявка #${ira} · Ира · @ira_g\n403: Forbidden: bot was blocked by the user`);
    expect(buttonRows(notice.reply_markup)).toEqual([["🔴 Отменить"], ["↻ Обновить"]]);

    // The group itself unreachable: the notice about the next failure fails too, and nothing is
    // said (or recorded in blocked_users) about that.
    const [reminder] = await rawQuery(
      database,
      `INSERT INTO outbox (dedupe_key, kind, chat_id, text, booking_id) VALUES ('group-reminder', 'reminder', ${IRA.id}, 'скоро старт', ${ira}) RETURNING id`,
    );
    h.api.failChat(IRA.id, { error_code: 403, description: "Forbidden: bot was blocked by the user" }, 1);
    h.api.failChat(GROUP, { error_code: 403, description: "Forbidden: bot was kicked from the supergroup chat" }, 1);
    await deliverAll(worker);
    expect(await rawQuery(database, "SELECT chat_id::float8 AS chat_id, kind, status, last_error FROM outbox WHERE id >= $1 ORDER BY id", [reminder!.id])).toEqual([
      { chat_id: IRA.id, kind: "reminder", status: "failed", last_error: "403: Forbidden: bot was blocked by the user" },
      { chat_id: GROUP, kind: "admin_notice", status: "failed", last_error: "403: Forbidden: bot was kicked from the supergroup chat" },
    ]);
    expect(await rawQuery(database, "SELECT user_id::float8 AS id FROM blocked_users ORDER BY 1")).toEqual([{ id: IRA.id }]);
  });

  it("is written in the first admin's language", async () => {
    await h.send("/lang en");
    try {
      await h.send("/start", SAM);
      await h.press(h.lastSent(SAM.id), "Вайб кодинг · 7-й поток · starts 01.12", SAM);
      await deliverAll(worker);
      const notice = inGroup().at(-1)!;
      expect(notice.text).toMatch(/^🆕 <b>New booking #\d+<\/b>\nSam · no_username · id <code>424202<\/code>\nВайб кодинг · 7-й поток$/);
      expect(buttonRows(notice.reply_markup)).toEqual([["🟢 Confirm", "🟡 Pending", "🔴 Cancel"], ["↻ Refresh"]]);
    } finally {
      await h.send("/lang ru");
    }
  });
});

describe("without ADMIN_CHAT_ID", () => {
  it("each admin hears of a failed delivery in their private chat, and groups get no answer at all", async () => {
    const solo = await createHarness(database.db, { ADMIN_IDS: `${ADMIN.id},${ADMIN_2.id}` });
    const soloWorker = testWorker(database.db, solo.api, FAST, { onOutcome: failedDeliveryNotices(solo.deps.config) });
    try {
      const [row] = await rawQuery(database, "INSERT INTO bookings (user_id, first_name, course_id, course_stream, confirmed) VALUES ($1, 'Ира', 1, '7th_stream', 1) RETURNING id", [IRA.id]);
      await rawExec(database, `INSERT INTO outbox (dedupe_key, kind, chat_id, text, booking_id) VALUES ('solo-reminder', 'reminder', ${IRA.id}, 'скоро старт', ${row!.id})`);
      solo.api.failChat(IRA.id, { error_code: 400, description: "Bad Request: chat not found" }, 1);
      await deliverAll(soloWorker);
      const notices = solo.api.delivered().filter((d) => d.chatId === ADMIN.id || d.chatId === ADMIN_2.id);
      expect(notices.map((d) => [d.chatId, d.text])).toEqual([
        [ADMIN.id, `⚠️ <b>Не доставлено</b>: Напоминание · заявка #${row!.id} · Ира · no_username\n400: Bad Request: chat not found`],
        [ADMIN_2.id, `⚠️ <b>Не доставлено</b>: Напоминание · заявка #${row!.id} · Ира · no_username\n400: Bad Request: chat not found`],
      ]);
      const before = solo.api.calls.length;
      await solo.bot.handleUpdate(groupMessageUpdate("/bookings", ADMIN, GROUP));
      expect(solo.api.calls.length).toBe(before);
    } finally {
      await solo.close();
    }
  });
});
