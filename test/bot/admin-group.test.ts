import { beforeAll, describe, expect, it } from "vitest";
import type { Message, User } from "grammy/types";
import { boardChats, failedDeliveryNotices, reviewBoardView } from "../../src/bot/notices";
import { languageStore } from "../../src/bot/language";
import { createReviewBoard } from "../../src/delivery/review-board";
import { BOT_INFO } from "../helpers/fake-telegram";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { buttonRows, createHarness, type Harness } from "../helpers/harness";
import { ADMIN, callbackUpdate, groupMessageUpdate } from "../helpers/updates";
import { FAST, deliverAll, testWorker } from "../delivery/helpers";

/**
 * ADMIN_CHAT_ID: new bookings and failed deliveries go to the admins' group with the card's
 * buttons, and a board says how many receipts wait; admins press them there, anyone else is
 * refused; nothing else in a group gets an answer.
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

  it("gets a board of receipts waiting, not the receipts; an admin reviews them in the private chat", async () => {
    const board = createReviewBoard({
      db: database.db,
      api: h.bot.api,
      logger: h.deps.logger,
      chats: boardChats(h.deps.config),
      render: reviewBoardView(h.deps.config, languageStore(database.db), BOT_INFO.username),
      gapMs: () => 0,
    });
    await h.sendPhoto(IRA, "AgAC-group-proof");
    await deliverAll(worker);
    expect(h.api.callsOf("sendPhoto")).toEqual([]);
    await board.tick();
    const shown = inGroup().at(-1)!;
    expect(shown.text).toBe("📥 <b>Чеков ждут проверки: 1</b>\nПроверяйте по одному в личном чате с ботом: подтвердить или пропустить — и сразу следующий.");
    // A link that opens the admin's private chat with the bot on the queue.
    expect(shown.reply_markup!.inline_keyboard).toEqual([[{ text: "📥 Открыть очередь", url: `https://t.me/${BOT_INFO.username}?start=queue` }]]);
    // Nothing changed: nothing is sent or edited again.
    const before = h.api.calls.length;
    await board.tick();
    expect(h.api.calls.length).toBe(before);

    const opened = await h.send("/start queue", ADMIN_2);
    expect(opened[0]).toMatchObject({ method: "sendPhoto", payload: { chat_id: ADMIN_2.id, photo: "AgAC-group-proof" } });
    expect(opened[0]!.payload.caption!.split("\n")[0]).toBe(`📥 <b>Чек по заявке #${ira}</b> · ещё ждут: 0`);
    expect(opened[0]!.payload.caption).toContain("К оплате: $200");
    await h.press(h.lastSent(ADMIN_2.id), `🟢 Подтвердить #${ira}`, ADMIN_2);
    expect(await statusOf(ira)).toBe(2);
    await board.tick();
    expect(h.api.message(GROUP, shown.message_id)!.text).toBe("✅ Все чеки проверены.");
    expect(buttonRows(h.api.message(GROUP, shown.message_id)!.reply_markup)).toEqual([]);
  });

  it("a proof sent to the group before the queue: its buttons change in place, never a new message", async () => {
    const [row] = await rawQuery(database, "INSERT INTO bookings (user_id, first_name, course_id, course_stream, confirmed) VALUES ($1, 'Ира', 1, '7th_stream', 1) RETURNING id", [IRA.id]);
    const id = Number(row!.id);
    const legacy = await h.bot.api.sendPhoto(GROUP, "AgAC-old-proof", {
      caption: `📎 Чек по заявке #${id}`,
      reply_markup: { inline_keyboard: [[{ text: "🟢 Подтвердить", callback_data: `c:a:c:${id.toString(36)}:1` }]] },
    });
    const ask = await h.press(legacy, "🟢 Подтвердить", ADMIN);
    expect(ask.map((c) => c.method)).toEqual(["editMessageReplyMarkup", "answerCallbackQuery"]);
    expect(buttonRows(ask[0]!.payload.reply_markup)).toEqual([["✅ Да, подтвердить", "↩ Назад"]]);
    const done = await h.press(h.api.message(GROUP, legacy.message_id)!, "✅ Да, подтвердить", ADMIN);
    expect(done.map((c) => c.method)).toEqual(["editMessageReplyMarkup", "answerCallbackQuery"]);
    expect(done[1]!.payload.text).toBe("Готово");
    expect(await statusOf(id)).toBe(2);
    expect(h.api.message(GROUP, legacy.message_id)!.photo).toBeDefined();
    await rawExec(database, `DELETE FROM bookings WHERE id = ${id}`);
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
      await h.press(h.lastSent(SAM.id), "Вайб кодинг · 7-й поток · старт 01.12", SAM);
      await deliverAll(worker);
      const notice = inGroup().at(-1)!;
      expect(notice.text).toMatch(/^🆕 <b>New booking #\d+<\/b>\nSam · no @username · id <code>424202<\/code>\nВайб кодинг · 7-й поток$/);
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
        [ADMIN.id, `⚠️ <b>Не доставлено</b>: Напоминание · заявка #${row!.id} · Ира · без @username\n400: Bad Request: chat not found`],
        [ADMIN_2.id, `⚠️ <b>Не доставлено</b>: Напоминание · заявка #${row!.id} · Ира · без @username\n400: Bad Request: chat not found`],
      ]);
      const before = solo.api.calls.length;
      await solo.bot.handleUpdate(groupMessageUpdate("/bookings", ADMIN, GROUP));
      expect(solo.api.calls.length).toBe(before);
    } finally {
      await solo.close();
    }
  });
});
