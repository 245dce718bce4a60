import { describe, expect, it } from "vitest";
import type { Message, User } from "grammy/types";
import { relayCountText } from "../../src/bot/notices";
import { languageStore } from "../../src/bot/language";
import { createRelayCounts } from "../../src/delivery/relay-counts";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { buttonRows, createHarness } from "../helpers/harness";
import { BOT_INFO } from "../helpers/fake-telegram";
import { ADMIN, messageUpdate, photoUpdate, replyTo, stickerUpdate } from "../helpers/updates";
import { FAST, deliverAll, testWorker } from "../delivery/helpers";

/**
 * The people side, end to end on the real bot: a student's question reaches the admins with who
 * they are and their booking; an admin answers (Telegram's reply, or the buttons), sees it as
 * the student will, sends it once through the outbox; the thread shows both ways; a flood costs
 * the admins one message and a count.
 */
const GROUP = -1_001_555_000_001;
const VERA: User = { id: 91_001, is_bot: false, first_name: "Вера", last_name: "Иванова", username: "vera_i", language_code: "ru" };
const OLGA: User = { id: 91_002, is_bot: false, first_name: "Ольга", language_code: "ru" };

const { database, h } = useBotFixture({
  env: { ADMIN_CHAT_ID: String(GROUP) },
  seed: (database) =>
    rawExec(
      database,
      `INSERT INTO users (user_id, username, first_name, last_name) VALUES (${VERA.id}, 'vera_i', 'Вера', 'Иванова'), (${OLGA.id}, NULL, 'Ольга', NULL);
       INSERT INTO bookings (user_id, username, first_name, course_id, course_stream, confirmed) VALUES (${VERA.id}, 'vera_i', 'Вера', 1, '7th_stream', 2);`,
    ),
});

const worker = () => testWorker(database.db, h.api, FAST);
const inGroup = (): Message[] => [...h.api.messages.values()].filter((m) => m.chat.id === GROUP);
const veraBooking = async () => Number((await rawQuery(database, "SELECT id FROM bookings WHERE user_id = $1", [VERA.id]))[0]!.id);
const counter = () =>
  createRelayCounts({ db: database.db, api: h.bot.api, logger: h.deps.logger, render: relayCountText(h.deps.config, languageStore(database.db)), gapMs: 0 });

describe("a student's message", () => {
  it("reaches the admin group under a header with their booking, the real bot's event written, the student told once", async () => {
    const booking = await veraBooking();
    const calls = await h.send("Когда начало занятий? <b>&", VERA);
    expect(calls).toEqual([{ method: "sendMessage", payload: { chat_id: VERA.id, text: "✉️ Передали команде — ответ придёт сюда." } }]);
    await deliverAll(worker());
    const relay = inGroup().at(-1)!;
    expect(relay.text).toBe(
      [
        `💬 <b>Вера Иванова</b> · @vera_i · /u${VERA.id}`,
        `📋 Заявка #${booking} · Вайб кодинг, 7-й поток · 🟢 Подтверждено`,
        "",
        "Когда начало занятий? &lt;b&gt;&amp;",
      ].join("\n"),
    );
    // In the group, links that open the admin's private chat with the bot.
    expect(relay.reply_markup!.inline_keyboard).toEqual([
      [
        { text: "↩️ Ответить", url: `https://t.me/${BOT_INFO.username}?start=reply${VERA.id}` },
        { text: "👤 Студент", url: `https://t.me/${BOT_INFO.username}?start=u${VERA.id}` },
      ],
    ]);
    expect(await rawQuery(database, "SELECT event_type, details - 'username' - 'first_name' AS details FROM events WHERE user_id = $1", [VERA.id])).toEqual([
      {
        event_type: "student_response",
        details: { message_type: "text", booking_status: 2, message_text: "Когда начало занятий? <b>&", booking_id: booking, source: "admin_bot" },
      },
    ]);
    // A text is no payment: nothing moved.
    expect(await rawQuery(database, "SELECT confirmed FROM bookings WHERE id = $1", [booking])).toEqual([{ confirmed: 2 }]);
  });

  it("a flood costs the admins that one message and a running count; every message stays in the thread", async () => {
    for (let i = 0; i < 40; i++) {
      const calls = await h.send(`ещё вопрос ${i}`, VERA);
      expect(calls, `message ${i}`).toEqual([]);
    }
    await h.deliver(stickerUpdate(VERA));
    await deliverAll(worker());
    const relays = h.api.calls.filter((c) => c.payload.chat_id === GROUP && c.method === "sendMessage");
    expect(relays).toHaveLength(1);
    await counter().tick();
    const relay = inGroup().at(-1)!;
    expect(relay.text!.split("\n").at(-1)).toBe(`➕ ещё 41 сообщение — вся переписка: /u${VERA.id}`);
    // Nothing more to say: no more edits.
    const before = h.api.calls.length;
    await counter().tick();
    expect(h.api.calls.length).toBe(before);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM student_messages WHERE user_id = $1 AND direction = 'in'", [VERA.id])).toEqual([{ n: 42 }]);
  });

  it("an admin's Telegram reply to it is shown as the student will see it, and sent once on the press", async () => {
    const relay = inGroup().find((m) => m.text?.startsWith("💬"))!;
    const answer = await h.deliver(replyTo(messageUpdate("Старт 15 января, ссылка придёт накануне.", ADMIN), relay));
    expect(answer).toEqual([
      {
        method: "copyMessage",
        payload: expect.objectContaining({ chat_id: GROUP, from_chat_id: GROUP }),
      },
    ]);
    const preview = h.lastSent(GROUP);
    expect(preview.text).toBe("Старт 15 января, ссылка придёт накануне.");
    expect(buttonRows(preview.reply_markup)).toEqual([["✅ Отправить: Вера Иванова", "✖️ Не отправлять"]]);
    // Only admins press it.
    const stranger: User = { id: 555, is_bot: false, first_name: "X" };
    expect((await h.press(preview, "✅ Отправить: Вера Иванова", stranger)).map((c) => c.payload.text)).toEqual(["⛔ Нет доступа"]);
    const sent = await h.press(preview, "✅ Отправить: Вера Иванова");
    expect(sent.map((c) => [c.method, c.payload.text])).toEqual([
      ["editMessageReplyMarkup", undefined],
      ["answerCallbackQuery", "✅ Отправлено: Вера Иванова"],
    ]);
    // A double press sends nothing more.
    await h.pressData(preview, (preview.reply_markup?.inline_keyboard[0]?.[0] as { callback_data?: string } | undefined)?.callback_data ?? "m:x");
    await deliverAll(worker());
    const toVera = h.api.calls.filter((c) => c.payload.chat_id === VERA.id && c.method === "copyMessage" && c.outcome === "ok");
    expect(toVera).toHaveLength(1);
    expect(h.api.message(VERA.id, toVera[0]!.messageId!)!.text).toBe("Старт 15 января, ссылка придёт накануне.");
    // As the dashboard records its own individual sends.
    expect(await rawQuery(database, "SELECT h.message_text, h.recipient_type, h.total_recipients, h.successful_deliveries, h.scheduled_at, h.sent_at IS NOT NULL AS sent, r.delivery_status, r.user_id::int AS user_id FROM message_history h JOIN message_recipients r ON r.message_id = h.id")).toEqual([
      { message_text: "Старт 15 января, ссылка придёт накануне.", recipient_type: "individual", total_recipients: 1, successful_deliveries: 1, scheduled_at: null, sent: true, delivery_status: "sent", user_id: VERA.id },
    ]);
    // Her next message is a new relay (the answer closed the last one), the student told again.
    expect((await h.send("Спасибо!", VERA)).map((c) => c.payload.text)).toEqual(["✉️ Передали команде — ответ придёт сюда."]);
  });

  it("the student's screen shows the thread both ways: who, when, what, delivered or not", async () => {
    const screen = await h.send(`/u${VERA.id}`);
    expect(buttonRows(screen[0]!.payload.reply_markup).at(-1)).toEqual(["✉️ Написать", "💬 Переписка (44)"]);
    const thread = await h.press(h.lastSent(), "💬 Переписка (44)");
    const lines = thread[0]!.payload.text!.split("\n");
    expect(lines[0]).toBe("💬 <b>Переписка с Вера Иванова</b> · 44");
    expect(lines[2]).toMatch(/^← \d\d\.\d\d\.\d{4} \d\d:\d\d · Вера Иванова: Спасибо!$/);
    expect(lines[3]).toMatch(/^→ \d\d\.\d\d\.\d{4} \d\d:\d\d · Анна: Старт 15 января, ссылка придёт накануне\. ✅$/);
    expect(lines[4]).toMatch(/^← .* · Вера Иванова: \[стикер\]$/);
    expect(buttonRows(thread[0]!.payload.reply_markup)).toEqual([["Старше ▶"], ["✉️ Написать", "↩ К заявкам"]]);
    const older = await h.press(h.lastSent(), "Старше ▶");
    expect(older[0]!.payload.text!.split("\n")[2]).toMatch(/: ещё вопрос 32$/);
    expect(buttonRows(older[0]!.payload.reply_markup)[0]).toEqual(["◀ Новее", "Старше ▶"]);
  });
});

describe("writing first", () => {
  it("✉️ Write on a student's screen asks for the message, refuses what cannot be sent, previews and sends", async () => {
    await h.send(`/u${OLGA.id}`);
    const asked = await h.press(h.lastSent(), "✉️ Написать");
    expect(asked.at(-1)!.payload.text).toBe("✉️ Сообщение для <b>Ольга</b>: пришлите текст, фото или файл — студент получит его от бота, как вы его написали. /cancel — отмена.");
    const sticker = await h.deliver(stickerUpdate(ADMIN));
    expect(sticker.map((c) => c.payload.text)).toEqual(["Пришлите текст, фото или файл (или /cancel)."]);
    const photo = await h.deliver(photoUpdate(ADMIN, "AgAC-schedule", "Расписание на январь"));
    expect(photo.map((c) => c.method)).toEqual(["copyMessage"]);
    const preview = h.lastSent();
    expect(preview.photo).toBeDefined();
    expect(preview.caption).toBe("Расписание на январь");
    await h.press(preview, "✅ Отправить: Ольга");
    await deliverAll(worker());
    const toOlga = h.api.calls.filter((c) => c.payload.chat_id === OLGA.id && c.method === "copyMessage");
    expect(toOlga.map((c) => c.outcome)).toEqual(["ok"]);
    expect(h.api.message(OLGA.id, toOlga[0]!.messageId!)!.photo).toBeDefined();
  });

  it("a student who blocked the bot: the admin is warned before, and told when it failed", async () => {
    await rawExec(database, `INSERT INTO blocked_users (user_id) VALUES (${OLGA.id}) ON CONFLICT DO NOTHING`);
    await h.send(`/u${OLGA.id}`);
    await h.press(h.lastSent(), "✉️ Написать");
    const typed = await h.send("Вы ещё с нами?");
    expect(typed.map((c) => c.method)).toEqual(["sendMessage", "copyMessage"]);
    expect(typed[0]!.payload.text).toBe("⚠️ Этот студент заблокировал бота — сообщение, скорее всего, не дойдёт.");
    expect(h.lastSent().text).toBe("Вы ещё с нами?");
    await h.press(h.lastSent(), "✅ Отправить: Ольга");
    h.api.failChat(OLGA.id, { error_code: 403, description: "Forbidden: bot was blocked by the user" }, 1);
    const { failedDeliveryNotices } = await import("../../src/bot/notices");
    await deliverAll(testWorker(database.db, h.api, FAST, { onOutcome: failedDeliveryNotices(h.deps.config) }));
    await deliverAll(worker());
    expect(h.api.delivered().filter((d) => d.chatId === ADMIN.id).at(-1)!.text).toBe("❌ Сообщение для <b>Ольга</b> не доставлено: студент заблокировал бота");
  });
});

describe("bad input", () => {
  it("a reply to a message that is no student's, a student who does not exist, /cancel: a clear line, nothing sent", async () => {
    await h.send("/help");
    const help = h.lastSent();
    const notStudent = await h.deliver(replyTo(messageUpdate("Ответ", ADMIN), help));
    expect(notStudent.map((c) => c.payload.text)).toEqual(["Это не сообщение студента — ответом на него некому писать. Ответьте на сообщение студента или откройте его: /user"]);
    expect((await h.send("/start reply424242")).map((c) => c.payload.text)).toEqual(["Студента с id 424242 нет в базе: ни /start, ни заявок."]);
    await h.send(`/start reply${OLGA.id}`);
    expect((await h.send("/cancel")).map((c) => c.payload.text)).toEqual(["Отменено."]);
    for (const data of ["m:", "m:w", "m:w:0", "m:s:1", "m:s:1:", "m:q:1", "th:", "th:1.x.1"]) {
      const calls = await h.pressData(help, data);
      expect(calls, data).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "Эта кнопка устарела. Откройте студента заново: /user" }) }]);
    }
    const sent = await rawQuery(database, "SELECT count(*)::int AS n FROM outbox WHERE kind = 'student_reply'");
    // The two sent before, to Vera and to Olga, and the one to Olga that failed: nothing new.
    expect(sent).toEqual([{ n: 3 }]);
  });
});

describe("without ADMIN_CHAT_ID", () => {
  it("each admin gets the relay with buttons; ↩️ Reply starts the answer", async () => {
    const solo = await createHarness(database.db, { ADMIN_IDS: `${ADMIN.id}` });
    try {
      await rawExec(database, "DELETE FROM student_relays");
      await solo.send("Можно перенести оплату?", OLGA);
      await deliverAll(testWorker(database.db, solo.api, FAST));
      const relay = solo.lastSent(ADMIN.id);
      expect(relay.text!.split("\n").slice(0, 2)).toEqual([`💬 <b>Ольга</b> · без @username · /u${OLGA.id}`, "📋 Заявок нет"]);
      expect(buttonRows(relay.reply_markup)).toEqual([["↩️ Ответить", "👤 Студент"]]);
      const asked = await solo.press(relay, "↩️ Ответить");
      expect(asked.at(-1)!.payload.text).toMatch(/^✉️ Сообщение для <b>Ольга<\/b>/);
      const opened = await solo.press(relay, "👤 Студент");
      expect(opened.at(-1)!.payload.text).toMatch(/^👤 <b>Ольга<\/b>/);
    } finally {
      await solo.close();
    }
  });
});
