import { describe, expect, it } from "vitest";
import { finishBroadcastOnLastRecipient, startBroadcastProgress } from "../../src/delivery/broadcasts";
import { broadcastWords } from "../../src/bot/broadcast-words";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { addBookings } from "../helpers/fixtures";
import { buttonRows } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";
import { FAST, testWorker } from "../delivery/helpers";

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

describe("/broadcast", () => {
  it("asks whom, what, shows a preview with the count, and queues it only after one more press", async () => {
    const start = await h.send("/broadcast");
    expect(start[0]!.payload.text).toBe("📨 Рассылка. Кому отправить?");
    expect(buttonRows(start[0]!.payload.reply_markup)).toEqual([
      ["🟢 Подтверждённые", "🟡 В ожидании"],
      ["⚪ Новые", "🔴 Отменённые"],
      ["Все студенты с заявками"],
      ["✖️ Отмена"],
    ]);
    const groups = await h.press(h.lastSent(), "🟢 Подтверждённые");
    const edit = groups.find((c) => c.method === "editMessageText")!;
    expect(edit.payload.text).toBe("📨 Рассылка: 🟢 Подтверждённые. Каким курсам или потокам?");
    expect(buttonRows(edit.payload.reply_markup)).toEqual([
      ["Все курсы и потоки (3)"],
      ["📚 Вайб кодинг — все потоки (3)"],
      ["Вайб кодинг · 7-й поток (2)"],
      ["Вайб кодинг · 8-й поток (1)"],
      ["✖️ Отмена"],
    ]);
    const ask = await h.press(h.lastSent(), "Вайб кодинг · 7-й поток (2)");
    expect(ask.at(-1)!.payload.text).toBe("Пришлите текст рассылки одним сообщением (до 4000 символов). /cancel — отмена.");

    const preview = await h.send("Привет! Занятие переносится на <среду> & время то же.");
    expect(preview[0]!.payload.text).toBe(
      "Получателей: 2 (ещё 1 заблокировал бота — ему не отправим). Так увидят студенты:\n\nПривет! Занятие переносится на <среду> & время то же.",
    );
    expect(buttonRows(preview[0]!.payload.reply_markup)).toEqual([["📨 Отправить 2", "✖️ Отмена"]]);
    expect(await rawQuery(database, "SELECT id FROM message_history")).toEqual([]);

    const sent = await h.press(h.lastSent(), "📨 Отправить 2");
    expect(sent.at(-1)!.payload.text).toBe("📨 Рассылка #1: отправлено 0 из 2 · не доставлено 0 · в очереди 2");
    // As the real system records one: sent_at on insert, never scheduled_at (its scheduler would send it again).
    expect(
      await rawQuery(database, "SELECT total_recipients, recipient_type, recipient_group, created_by::int AS by, sent_at IS NOT NULL AS sent_at, scheduled_at, finished_at FROM message_history"),
    ).toEqual([
      { total_recipients: 2, recipient_type: "status:2", recipient_group: "course:1,stream:7th_stream", by: ADMIN.id, sent_at: true, scheduled_at: null, finished_at: null },
    ]);
    expect(await rawQuery(database, "SELECT user_id::int AS user_id, delivery_status FROM message_recipients ORDER BY user_id")).toEqual([
      { user_id: 601, delivery_status: "pending" },
      { user_id: 602, delivery_status: "pending" },
    ]);
    expect(await rawQuery(database, "SELECT chat_id::int AS chat_id, kind, text FROM outbox WHERE kind = 'broadcast' ORDER BY chat_id")).toEqual([
      { chat_id: 601, kind: "broadcast", text: "Привет! Занятие переносится на <среду> & время то же." },
      { chat_id: 602, kind: "broadcast", text: "Привет! Занятие переносится на <среду> & время то же." },
    ]);
  });

  it("is delivered by the worker; the progress message ends with the counts and the admin gets the report", async () => {
    // 601 has blocked the bot since: Telegram answers 403 for the first send.
    h.api.failNext("sendMessage", { error_code: 403, description: "Forbidden: bot was blocked by the user" });
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
    const [history] = await rawQuery(database, "SELECT successful_deliveries, finished_at IS NOT NULL AS finished FROM message_history");
    expect(history).toEqual({ successful_deliveries: 1, finished: true });
    // The 403 is shared with the real dashboard: 601 joins blocked_users, and the next broadcast skips them.
    expect(await rawQuery(database, "SELECT user_id::int AS user_id FROM blocked_users ORDER BY user_id")).toEqual([{ user_id: 601 }, { user_id: 604 }]);
    const report = "✅ Рассылка #1 завершена: доставлено 1 из 2 · не доставлено 1 (заблокировали бота: 1)";
    expect(h.api.callsOf("sendMessage").filter((c) => c.payload.chat_id === ADMIN.id).at(-1)!.payload.text).toBe(report);
    expect(h.api.callsOf("editMessageText").at(-1)!.payload).toMatchObject({ chat_id: ADMIN.id, text: report });
  });

  it("/cancel at any step queues nothing", async () => {
    await h.send("/broadcast");
    await h.press(h.lastSent(), "🟡 В ожидании");
    expect((await h.send("/cancel"))[0]!.payload.text).toBe("Отменено.");
    await h.send("/broadcast");
    const cancel = await h.press(h.lastSent(), "✖️ Отмена");
    expect(cancel.find((c) => c.method === "editMessageText")!.payload.text).toBe("Отменено.");
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM message_history")).toEqual([{ n: 1 }]);
  });
});
