import { describe, expect, it } from "vitest";
import type { Message, MessageEntity, Update } from "grammy/types";
import { finishBroadcastOnLastRecipient, startBroadcastProgress } from "../../src/delivery/broadcasts";
import { broadcastWords } from "../../src/bot/broadcast-words";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { addBookings } from "../helpers/fixtures";
import { buttonRows } from "../helpers/harness";
import { ADMIN, messageUpdate } from "../helpers/updates";
import { FAST, testWorker } from "../delivery/helpers";
import { expectScreen } from "../helpers/screens";
import { historyCount, historyRows } from "../helpers/broadcasts";

// Confirmed: 601 and 602 on the 7th stream, 603 on the 8th, 604 on the 7th but blocked the bot
// long ago; 605 pending on the 7th.
const { database, h } = useBotFixture({
  seed: async (database) => {
    await addBookings(database.db, [
      { userId: 601, confirmed: 2, courseStream: "7th_stream" },
      { userId: 602, confirmed: 2, courseStream: "7th_stream" },
      { userId: 603, confirmed: 2, courseStream: "8th_stream" },
      { userId: 604, confirmed: 2, courseStream: "7th_stream" },
      { userId: 605, confirmed: 1, courseStream: "7th_stream" },
    ]);
    await rawExec(database, "INSERT INTO blocked_users (user_id) VALUES (604)");
  },
});

export const WHOM = [
  ["🟢 Подтверждённые", "🟡 В ожидании"],
  ["⚪ Новые", "🔴 Отменённые"],
  ["Все студенты с заявками"],
  ["👋 Все, кто нажал /start", "🙅 Без заявок"],
  ["🎓 Бесплатный урок", "✋ Выбрать студентов"],
  ["✖️ Отмена"],
];
const SUMMARY_BUTTONS = [["📨 Отправить 2"], ["🔗 Кнопки-ссылки", "⏰ Позже"], ["✖️ Отмена"]];
const BOLD: MessageEntity[] = [{ type: "bold", offset: 0, length: 7 }];

/** A text with Telegram's own formatting, as an admin's client sends it. */
function formatted(text: string, entities: MessageEntity[]): Update {
  const update = messageUpdate(text);
  (update.message as Message & { entities: MessageEntity[] }).entities = entities;
  return update;
}

describe("/broadcast", () => {
  it("asks whom, takes any message as the content, shows it as students will see it, and queues copies only after one more press", async () => {
    const start = await h.send("/broadcast");
    expectScreen(start, ["📨 Рассылка. Кому отправить?"], WHOM);
    const groups = await h.press(h.lastSent(), "🟢 Подтверждённые");
    const edit = groups.find((c) => c.method === "editMessageText")!;
    expectScreen(edit, ["📨 Рассылка: 🟢 Подтверждённые. Каким курсам или потокам?"], [
      ["Все курсы и потоки (3)"],
      ["📚 Вайб кодинг — все потоки (3)"],
      ["Вайб кодинг · 7-й поток (2)"],
      ["Вайб кодинг · 8-й поток (1)"],
      ["✖️ Отмена"],
    ]);
    const ask = await h.press(h.lastSent(), "Вайб кодинг · 7-й поток (2)");
    expect(ask.filter((c) => c.method === "sendMessage").map((c) => c.payload.text)).toEqual([
      "📨 Рассылка: 🟢 Подтверждённые · Вайб кодинг · 7-й поток (2). Получателей: 2 (ещё 1 заблокировал бота — ему не отправим).",
      "Пришлите сообщение для рассылки — так, как его увидят студенты: текст (оформление Telegram сохранится), фото, видео или документ с подписью. /cancel — отмена.",
    ]);

    const content = formatted("Перенос: занятие в <среду> & время то же.", BOLD);
    const preview = await h.deliver(content);
    // The copy first (formatting kept by Telegram, nothing re-parsed), then the summary with its buttons.
    expect(preview.map((c) => c.method)).toEqual(["copyMessage", "sendMessage"]);
    expect(preview[0]!.payload).toMatchObject({ chat_id: ADMIN.id, from_chat_id: ADMIN.id, message_id: content.message!.message_id });
    expect(h.api.message(ADMIN.id, lastCopyId())).toMatchObject({ text: "Перенос: занятие в <среду> & время то же.", entities: BOLD });
    expect(preview[1]!.payload.text).toBe(
      "☝️ Так сообщение увидят студенты.\nКому: 🟢 Подтверждённые · Вайб кодинг · 7-й поток (2) — 2 (ещё 1 заблокировал бота — ему не отправим)\nКогда: сразу после подтверждения",
    );
    expect(buttonRows(preview[1]!.payload.reply_markup)).toEqual(SUMMARY_BUTTONS);
    expect(await rawQuery(database, "SELECT id FROM message_history")).toEqual([]);

    const sent = await h.press(h.lastSent(), "📨 Отправить 2");
    expect(sent.at(-1)!.payload.text).toBe("📨 Рассылка #1: отправлено 0 из 2 · не доставлено 0 · в очереди 2");
    // As the real dashboard records a group send: sent_at on insert, never scheduled_at (its scheduler would send it again).
    expect(await historyRows(database)).toEqual([
      { id: 1, message_text: "Перенос: занятие в <среду> & время то же.", total_recipients: 2, recipient_type: "group", recipient_group: "status:2,course:1,stream:7th_stream", by: ADMIN.id, sent_at: true, scheduled_at: null, finished_at: null },
    ]);
    expect(await rawQuery(database, "SELECT user_id::int AS user_id, delivery_status FROM message_recipients ORDER BY user_id")).toEqual([
      { user_id: 601, delivery_status: "pending" },
      { user_id: 602, delivery_status: "pending" },
    ]);
    expect(
      await rawQuery(database, "SELECT chat_id::int AS chat_id, text, copy_from_chat_id::int AS from_chat, copy_message_id::int AS message FROM outbox WHERE kind = 'broadcast' ORDER BY chat_id"),
    ).toEqual([
      { chat_id: 601, text: "", from_chat: ADMIN.id, message: content.message!.message_id },
      { chat_id: 602, text: "", from_chat: ADMIN.id, message: content.message!.message_id },
    ]);
  });

  it("is delivered by the worker as copies; the progress message ends with the counts and the report offers to delete it", async () => {
    // 601 has blocked the bot since: Telegram answers 403 for the first send.
    h.api.failNext("copyMessage", { error_code: 403, description: "Forbidden: bot was blocked by the user" });
    const worker = testWorker(database.db, h.api, FAST, { onOutcome: finishBroadcastOnLastRecipient(broadcastWords) });
    const progress = startBroadcastProgress({ db: database.db, api: h.bot.api, logger: h.deps.logger, words: broadcastWords, everyMs: 60_000 });
    try {
      await worker.tick(); // the two broadcast messages
      await worker.tick(); // the report queued when the last one was recorded
      await progress.tick();
    } finally {
      await progress.stop();
    }
    expect(await rawQuery(database, "SELECT user_id::int AS user_id, delivery_status, error FROM message_recipients ORDER BY user_id")).toEqual([
      { user_id: 601, delivery_status: "failed", error: "403: Forbidden: bot was blocked by the user" },
      { user_id: 602, delivery_status: "sent", error: null },
    ]);
    const copy = h.lastSent(602);
    expect(copy).toMatchObject({ text: "Перенос: занятие в <среду> & время то же.", entities: BOLD });
    const [history] = await rawQuery(database, "SELECT successful_deliveries, finished_at IS NOT NULL AS finished FROM message_history");
    expect(history).toEqual({ successful_deliveries: 1, finished: true });
    // The 403 is shared with the real dashboard: 601 joins blocked_users, and the next broadcast skips them.
    expect(await rawQuery(database, "SELECT user_id::int AS user_id FROM blocked_users ORDER BY user_id")).toEqual([{ user_id: 601 }, { user_id: 604 }]);
    const report = "✅ Рассылка #1 завершена: доставлено 1 из 2 · не доставлено 1 (заблокировали бота: 1)";
    const toAdmin = h.api.callsOf("sendMessage").filter((c) => c.payload.chat_id === ADMIN.id).at(-1)!;
    expectScreen(toAdmin, [report], [["🗑 Удалить из чатов"]]);
    expect(h.api.callsOf("editMessageText").at(-1)!.payload).toMatchObject({ chat_id: ADMIN.id, text: report });
  });

  it("/cancel at any step queues nothing", async () => {
    await h.send("/broadcast");
    await h.press(h.lastSent(), "🟡 В ожидании");
    expect((await h.send("/cancel"))[0]!.payload.text).toBe("Отменено.");
    await h.send("/broadcast");
    const cancel = await h.press(h.lastSent(), "✖️ Отмена");
    expect(cancel.find((c) => c.method === "editMessageText")!.payload.text).toBe("Отменено.");
    await h.send("/broadcast");
    await h.press(h.lastSent(), "🟡 В ожидании");
    await h.press(h.lastSent(), "Все курсы и потоки (1)");
    await h.send("Черновик");
    const drop = await h.press(h.lastSent(), "✖️ Отмена");
    expect(drop.find((c) => c.method === "editMessageText")!.payload.text).toBe("Отменено.");
    expect(await historyCount(database)).toBe(1);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM broadcasts")).toEqual([{ n: 1 }]);
  });
});

function lastCopyId(): number {
  return h.api.callsOf("copyMessage").at(-1)!.messageId!;
}
