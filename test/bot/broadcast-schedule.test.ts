import { describe, expect, it } from "vitest";
import type { Message } from "grammy/types";
import { formatDateTime } from "../../src/bookings/dates";
import { broadcastWords } from "../../src/bot/broadcast-words";
import { finishBroadcastOnLastRecipient, startBroadcastProgress, startBroadcastScheduler } from "../../src/delivery/broadcasts";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { eventually } from "../helpers/eventually";
import { addBookings } from "../helpers/fixtures";
import { buttonRows, createHarness, testConfig, type Harness } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";
import { FAST, deliverAll, testWorker } from "../delivery/helpers";
import { expectScreen } from "../helpers/screens";
import { broadcastState, historyCount, historyRows } from "../helpers/broadcasts";

// Confirmed: 701 and 702 on the 7th stream, 703 on the 8th.
const { database, h } = useBotFixture({
  seed: (database) =>
    addBookings(database.db, [
      { userId: 701, confirmed: 2, courseStream: "7th_stream" },
      { userId: 702, confirmed: 2, courseStream: "7th_stream" },
      { userId: 703, confirmed: 2, courseStream: "8th_stream" },
    ]),
});

const ZONE = testConfig().timeZone;
const DAY = 86_400_000;
const WHOM_TEXT = "📨 Рассылка. Кому отправить?";
const CANCELLED = "Отменено.";
const FIRST = "Вебинар <завтра> в 19:00 & ссылка придёт за час.";
const SECOND = "Второй поток: домашнее задание до пятницы.";
const THIRD = "Третья рассылка, которую отменят.";

/** As the bot shows a moment: `DD.MM.YYYY HH:MM` in the display zone. */
const shown = (at: Date) => formatDateTime(at, ZONE);

/** As an admin types it: `DD.MM HH:MM`, the year only when it is not this one (the bot reads "DD.MM" as this year). */
function typed(at: Date): string {
  const [date, time] = shown(at).split(" ") as [string, string];
  const [day, month, year] = date.split(".");
  return year === shown(new Date()).slice(6, 10) ? `${day}.${month} ${time}` : `${date} ${time}`;
}

const sentTexts = (calls: Array<{ method: string; payload: { text?: string } }>) => calls.filter((c) => c.method === "sendMessage").map((c) => c.payload.text);
const answers = (calls: Array<{ method: string; payload: { text?: string } }>) => calls.filter((c) => c.method === "answerCallbackQuery").map((c) => c.payload.text);

const scheduledText = (at: string) =>
  `⏰ Рассылка запланирована на ${at}. Список, отмена и «отправить сейчас» — /broadcast. Не удаляйте своё сообщение до отправки: студенты получат его копию.`;

/** The last list of scheduled broadcasts the bot sent the admin, as it stands now. */
function scheduledList(): Message {
  const list = [...h.api.messages.values()].filter((m) => m.chat.id === ADMIN.id && m.from?.is_bot && m.text?.startsWith("⏰ <b>Запланированные рассылки</b>")).at(-1);
  if (!list) throw new Error("no list of scheduled broadcasts was sent");
  return list;
}

function dataOf(message: Message, label: string): string {
  const button = message.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
  if (!button || !("callback_data" in button)) throw new Error(`no button "${label}" in ${JSON.stringify(buttonRows(message.reply_markup))}`);
  return button.callback_data;
}

/** Through the bot: /broadcast → confirmed → `group` → `text` → "⏰ Позже" → the time → schedule. The time as the bot shows it. */
async function schedule(text: string, group: string, at: Date, bot: Harness = h): Promise<string> {
  await bot.send("/broadcast");
  await bot.press(bot.lastSent(), "🟢 Подтверждённые");
  await bot.press(bot.lastSent(), group);
  await bot.send(text);
  await bot.press(bot.lastSent(), "⏰ Позже");
  await bot.send(typed(at));
  const when = shown(at);
  const done = await bot.press(bot.lastSent(), `⏰ Запланировать на ${when}`);
  expect(sentTexts(done)).toEqual([scheduledText(when)]);
  return when;
}

const scheduler = () => startBroadcastScheduler({ db: database.db, logger: h.deps.logger, words: broadcastWords, everyMs: 3_600_000 });

/** As the admin sees a broadcast's progress message while it is being sent, and its report. */
const progressText = (id: number, total: number) => `📨 Рассылка #${id}: отправлено 0 из ${total} · не доставлено 0 · в очереди ${total}`;
const reportText = (id: number, total: number) => `✅ Рассылка #${id} завершена: доставлено ${total} из ${total} · не доставлено 0`;

/** The messages (and edits) the admin got from the fake Bot API since call number `from`, as texts. */
const toAdminSince = (bot: Harness, from: number) =>
  bot.api.calls.slice(from).filter((c) => (c.method === "sendMessage" || c.method === "editMessageText") && c.payload.chat_id === ADMIN.id && c.outcome === "ok").map((c) => `${c.method}: ${c.payload.text}`);

/** What a running bot runs beside its updates (as main.ts starts them), on this harness's fake Bot API. */
function backgroundOf(bot: Harness) {
  const worker = testWorker(database.db, bot.api, FAST, { onOutcome: finishBroadcastOnLastRecipient(broadcastWords) });
  const loops = [
    startBroadcastScheduler({ db: database.db, logger: bot.deps.logger, words: broadcastWords, everyMs: 20 }),
    startBroadcastProgress({ db: database.db, api: bot.bot.api, logger: bot.deps.logger, words: broadcastWords, everyMs: 20 }),
  ];
  worker.start();
  return { scheduler: loops[0]!, stop: () => Promise.all([worker.stop(), ...loops.map((l) => l.stop())]) };
}

describe("/broadcast at a time", () => {
  // Tomorrow, at the minute: what the first broadcast is scheduled for.
  const tomorrow = new Date(Math.floor((Date.now() + DAY) / 60_000) * 60_000);

  it("asks the time, refuses one gone or malformed, and saves a scheduled broadcast without any message_history row", async () => {
    const start = await h.send("/broadcast");
    // Nothing scheduled yet: no list, only the question.
    expect(sentTexts(start)).toEqual([WHOM_TEXT]);
    await h.press(h.lastSent(), "🟢 Подтверждённые");
    await h.press(h.lastSent(), "Вайб кодинг · 7-й поток (2)");
    const preview = await h.send(FIRST);
    expect(preview.map((c) => c.method)).toEqual(["copyMessage", "sendMessage"]);
    const summary = h.lastSent();

    const before = shown(new Date());
    const later = await h.press(summary, "⏰ Позже");
    const after = shown(new Date());
    // The summary loses its buttons; the question follows.
    expect(buttonRows(h.api.message(ADMIN.id, summary.message_id)!.reply_markup)).toEqual([]);
    const ask = sentTexts(later);
    expect(ask).toHaveLength(1);
    expect([before, after].map((now) => `Когда отправить? Дата и время (${ZONE}), например 05.12 10:00. Сейчас ${now}. /cancel — отмена.`)).toContain(ask[0]);

    expect(await h.send("01.01.2020 10:00")).toMatchObject([{ method: "sendMessage", payload: { text: "Это время уже прошло — укажите время в будущем." } }]);
    expect(await h.send("завтра")).toMatchObject([{ method: "sendMessage", payload: { text: "Не понял время: напишите, например, 05.12 10:00 или 05.12.2027 10:00." } }]);

    const at = shown(tomorrow);
    const rescheduled = await h.send(typed(tomorrow));
    // A new summary only: the copy above still shows the message.
    expect(rescheduled.map((c) => c.method)).toEqual(["sendMessage"]);
    expectScreen(rescheduled, [`☝️ Так сообщение увидят студенты.\nКому: 🟢 Подтверждённые · Вайб кодинг · 7-й поток (2) — 2\nКогда: ⏰ ${at} (${ZONE})`], [[`⏰ Запланировать на ${at}`], ["🔗 Кнопки-ссылки", "▶️ Сразу"], ["✖️ Отмена"]]);

    const final = h.lastSent();
    const done = await h.press(final, `⏰ Запланировать на ${at}`);
    expect(answers(done)).toEqual([undefined]);
    expect(sentTexts(done)).toEqual([scheduledText(at)]);
    expect(buttonRows(h.api.message(ADMIN.id, final.message_id)!.reply_markup)).toEqual([]);

    const rows = await rawQuery(
      database,
      "SELECT id, status, created_by::int AS by, audience, summary, from_chat_id::int AS from_chat, send_at, message_id, started_at FROM broadcasts",
    );
    expect(rows).toEqual([
      {
        id: 1,
        status: "scheduled",
        by: ADMIN.id,
        audience: { kind: "bookings", status: 2, courseId: 1, stream: "7th_stream" },
        summary: FIRST,
        from_chat: ADMIN.id,
        send_at: tomorrow,
        message_id: null,
        started_at: null,
      },
    ]);
    // Sending has not started: the dashboard sees nothing (and never a scheduled_at of ours, which its scheduler would send again).
    expect(await rawQuery(database, "SELECT id FROM message_history")).toEqual([]);
    expect(await rawQuery(database, "SELECT id FROM message_recipients")).toEqual([]);
    expect(await rawQuery(database, "SELECT id FROM outbox WHERE kind = 'broadcast'")).toEqual([]);
  });

  it("/broadcast lists what is scheduled first (send now / cancel each), then asks whom", async () => {
    const calls = await h.send("/broadcast");
    const sent = calls.filter((c) => c.method === "sendMessage");
    expect(sent).toHaveLength(2);
    expect(sent[0]!.payload).toMatchObject({
      parse_mode: "HTML",
      text: `⏰ <b>Запланированные рассылки</b>\n\n1. ${shown(tomorrow)} · 🟢 Подтверждённые · Вайб кодинг · 7-й поток (2)\nВебинар &lt;завтра&gt; в 19:00 &amp; ссылка придёт за час.`,
    });
    expect(buttonRows(sent[0]!.payload.reply_markup)).toEqual([["▶️ 1. Отправить сейчас", "✖️ 1. Отменить"]]);
    expect(sent[1]!.payload.text).toBe(WHOM_TEXT);
    expect(sentTexts(await h.send("/cancel"))).toEqual([CANCELLED]);
  });

  it("sends nothing before its time; once due, two schedulers at once (two processes, or a restart) start it exactly once", async () => {
    const early = scheduler();
    try {
      await early.tick();
    } finally {
      await early.stop();
    }
    expect(await rawQuery(database, "SELECT status, message_id FROM broadcasts")).toEqual([{ status: "scheduled", message_id: null }]);
    expect(await rawQuery(database, "SELECT id FROM message_history")).toEqual([]);
    expect(await rawQuery(database, "SELECT id FROM outbox WHERE kind = 'broadcast'")).toEqual([]);

    await rawExec(database, "UPDATE broadcasts SET send_at = now() - interval '1 second' WHERE id = 1");
    const one = scheduler();
    const two = scheduler();
    try {
      await Promise.all([one.tick(), two.tick()]);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }

    expect(await historyRows(database)).toEqual([
      { id: 1, message_text: FIRST, total_recipients: 2, recipient_type: "group", recipient_group: "status:2,course:1,stream:7th_stream", by: ADMIN.id, sent_at: true, scheduled_at: null, finished_at: null },
    ]);
    expect(await rawQuery(database, "SELECT message_id, user_id::int AS user_id, delivery_status FROM message_recipients ORDER BY user_id")).toEqual([
      { message_id: 1, user_id: 701, delivery_status: "pending" },
      { message_id: 1, user_id: 702, delivery_status: "pending" },
    ]);
    expect(await rawQuery(database, "SELECT dedupe_key, chat_id::int AS chat_id FROM outbox WHERE kind = 'broadcast' ORDER BY chat_id")).toEqual([
      { dedupe_key: "broadcast:1:701", chat_id: 701 },
      { dedupe_key: "broadcast:1:702", chat_id: 702 },
    ]);
    expect(await rawQuery(database, "SELECT status, message_id, started_at IS NOT NULL AS started FROM broadcasts")).toEqual([{ status: "started", message_id: 1, started: true }]);
    // Its admin's progress message is queued with the start, once, whichever scheduler started it.
    expect(await rawQuery(database, "SELECT dedupe_key, chat_id::int AS chat_id, text FROM outbox WHERE kind = 'broadcast_report'")).toEqual([
      { dedupe_key: "broadcast:1:progress", chat_id: ADMIN.id, text: progressText(1, 2) },
    ]);

    // The next tick finds nothing more to start.
    const again = scheduler();
    try {
      await again.tick();
    } finally {
      await again.stop();
    }
    expect(await historyCount(database)).toBe(1);

    const callsBefore = h.api.calls.length;
    const worker = testWorker(database.db, h.api, FAST, { onOutcome: finishBroadcastOnLastRecipient(broadcastWords) });
    await deliverAll(worker);
    const copiesTo = (chatId: number) => h.api.callsOf("copyMessage").filter((c) => c.payload.chat_id === chatId && c.outcome === "ok").length;
    expect([701, 702, 703].map(copiesTo)).toEqual([1, 1, 0]);
    expect(h.lastSent(701).text).toBe(FIRST);
    expect(h.lastSent(702).text).toBe(FIRST);
    expect(await rawQuery(database, "SELECT user_id::int AS user_id, delivery_status FROM message_recipients ORDER BY user_id")).toEqual([
      { user_id: 701, delivery_status: "sent" },
      { user_id: 702, delivery_status: "sent" },
    ]);
    expect(await rawQuery(database, "SELECT successful_deliveries, finished_at IS NOT NULL AS finished, scheduled_at FROM message_history")).toEqual([
      { successful_deliveries: 2, finished: true, scheduled_at: null },
    ]);
    const report = h.api.callsOf("sendMessage").filter((c) => c.payload.chat_id === ADMIN.id).at(-1)!;
    expectScreen(report, [reportText(1, 2)], [["🗑 Удалить из чатов"]]);
    // As after an immediate broadcast: the progress message, once it is up, is edited to the result.
    const progress = startBroadcastProgress({ db: database.db, api: h.bot.api, logger: h.deps.logger, words: broadcastWords, everyMs: 3_600_000 });
    try {
      await progress.tick();
    } finally {
      await progress.stop();
    }
    expect(toAdminSince(h, callsBefore)).toEqual([`sendMessage: ${progressText(1, 2)}`, `sendMessage: ${reportText(1, 2)}`, `editMessageText: ${reportText(1, 2)}`]);
    const [{ progress_message_id: progressId }] = (await rawQuery(database, "SELECT progress_message_id::int FROM message_history WHERE id = 1")) as [{ progress_message_id: number }];
    expect(h.api.message(ADMIN.id, progressId)!.text).toBe(reportText(1, 2));
  });

  it("▶️ sends one now (a stale press starts nothing twice), ✖️ cancels one (nothing queued), and the emptied list says so", async () => {
    const second = await schedule(SECOND, "Все курсы и потоки (3)", new Date(Date.now() + DAY));
    const third = await schedule(THIRD, "Вайб кодинг · 8-й поток (1)", new Date(Date.now() + 2 * DAY));
    expect(await rawQuery(database, "SELECT id, status FROM broadcasts ORDER BY id")).toEqual([
      { id: 1, status: "started" },
      { id: 2, status: "scheduled" },
      { id: 3, status: "scheduled" },
    ]);

    await h.send("/broadcast");
    const list = scheduledList();
    expect(list.text).toBe(
      `⏰ <b>Запланированные рассылки</b>\n\n1. ${second} · 🟢 Подтверждённые · Все курсы и потоки (3)\n${SECOND}\n\n2. ${third} · 🟢 Подтверждённые · Вайб кодинг · 8-й поток (1)\n${THIRD}`,
    );
    expect(buttonRows(list.reply_markup)).toEqual([
      ["▶️ 1. Отправить сейчас", "✖️ 1. Отменить"],
      ["▶️ 2. Отправить сейчас", "✖️ 2. Отменить"],
    ]);
    const sendSecond = dataOf(list, "▶️ 1. Отправить сейчас");
    const outboxBefore = await rawQuery(database, "SELECT count(*)::int AS n FROM outbox WHERE kind = 'broadcast'");

    // Pressed while the new broadcast's question waits: the list's buttons still work.
    const now = await h.press(list, "▶️ 1. Отправить сейчас");
    expect(now.map((c) => c.method)).toEqual(["editMessageText", "answerCallbackQuery"]);
    expect(now[0]!.payload).toMatchObject({ chat_id: ADMIN.id, message_id: list.message_id, parse_mode: "HTML" });
    expect(answers(now)).toEqual(["Рассылка отправляется"]);
    const edited = h.api.message(ADMIN.id, list.message_id)!;
    expect(edited.text).toBe(`⏰ <b>Запланированные рассылки</b>\n\n1. ${third} · 🟢 Подтверждённые · Вайб кодинг · 8-й поток (1)\n${THIRD}`);
    expect(buttonRows(edited.reply_markup)).toEqual([["▶️ 1. Отправить сейчас", "✖️ 1. Отменить"]]);
    expect(await rawQuery(database, "SELECT id, status, message_id FROM broadcasts ORDER BY id")).toEqual([
      { id: 1, status: "started", message_id: 1 },
      { id: 2, status: "started", message_id: 2 },
      { id: 3, status: "scheduled", message_id: null },
    ]);
    expect(await rawQuery(database, "SELECT id, total_recipients, recipient_group, scheduled_at FROM message_history ORDER BY id")).toEqual([
      expect.objectContaining({ id: 1 }),
      { id: 2, total_recipients: 3, recipient_group: "status:2", scheduled_at: null },
    ]);
    const queuedForSecond = "SELECT chat_id::int AS chat_id FROM outbox WHERE kind = 'broadcast' AND dedupe_key LIKE 'broadcast:2:%' ORDER BY chat_id";
    expect(await rawQuery(database, queuedForSecond)).toEqual([{ chat_id: 701 }, { chat_id: 702 }, { chat_id: 703 }]);
    // The progress message comes through the outbox (the press's own answer is the toast), then the report.
    const beforeDelivery = h.api.calls.length;
    await deliverAll(testWorker(database.db, h.api, FAST, { onOutcome: finishBroadcastOnLastRecipient(broadcastWords) }));
    expect(toAdminSince(h, beforeDelivery)).toEqual([`sendMessage: ${progressText(2, 3)}`, `sendMessage: ${reportText(2, 3)}`]);
    expect(await rawQuery(database, "SELECT progress_message_id IS NOT NULL AS shown, finished_at IS NOT NULL AS finished FROM message_history WHERE id = 2")).toEqual([
      { shown: true, finished: true },
    ]);

    // The same button again (a double tap, an old copy of the list): already sent.
    const stale = await h.pressData(list, sendSecond);
    expect(answers(stale)).toEqual(["Эта рассылка уже отправлена или отменена."]);
    expect(await historyCount(database)).toBe(2);
    expect(await rawQuery(database, queuedForSecond)).toEqual([{ chat_id: 701 }, { chat_id: 702 }, { chat_id: 703 }]);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM outbox WHERE kind = 'broadcast'")).toEqual([{ n: (outboxBefore[0]!.n as number) + 3 }]);

    const cancelThird = dataOf(h.api.message(ADMIN.id, list.message_id)!, "✖️ 1. Отменить");
    const cancel = await h.press(list, "✖️ 1. Отменить");
    expect(cancel.map((c) => c.method)).toEqual(["editMessageText", "answerCallbackQuery"]);
    expect(answers(cancel)).toEqual(["Рассылка отменена"]);
    const emptied = h.api.message(ADMIN.id, list.message_id)!;
    expect(emptied.text).toBe("⏰ Запланированных рассылок больше нет.");
    expect(buttonRows(emptied.reply_markup)).toEqual([]);
    expect(await rawQuery(database, "SELECT id, status, message_id, started_at FROM broadcasts WHERE id = 3")).toEqual([{ id: 3, status: "cancelled", message_id: null, started_at: null }]);
    expect(await historyCount(database)).toBe(2);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM outbox WHERE kind = 'broadcast'")).toEqual([{ n: (outboxBefore[0]!.n as number) + 3 }]);

    // Cancelled is cancelled: neither its old cancel nor a "send now" brings it back.
    expect(answers(await h.pressData(list, cancelThird))).toEqual(["Эта рассылка уже отправлена или отменена."]);
    expect(answers(await h.pressData(list, cancelThird.replace("bs:x:", "bs:n:")))).toEqual(["Эта рассылка уже отправлена или отменена."]);
    expect(await rawQuery(database, "SELECT status FROM broadcasts WHERE id = 3")).toEqual([{ status: "cancelled" }]);
    expect(await historyCount(database)).toBe(2);

    // With nothing scheduled, /broadcast goes straight to the question.
    expect(sentTexts(await h.send("/broadcast"))).toEqual([WHOM_TEXT]);
    expect(sentTexts(await h.send("/cancel"))).toEqual([CANCELLED]);
  });

  it("survives a restart: scheduled under one bot, it waits, and once due goes exactly once under the next, with its progress message", async () => {
    const first = await createHarness(database.db);
    const running = backgroundOf(first);
    let source: Message | undefined;
    try {
      await schedule(FIRST, "Вайб кодинг · 7-й поток (2)", new Date(Date.now() + DAY), first);
      await running.scheduler.tick();
      const [{ from_message_id: sourceId }] = (await rawQuery(database, "SELECT from_message_id::int FROM broadcasts WHERE id = 4")) as [{ from_message_id: number }];
      source = first.api.message(ADMIN.id, sourceId);
    } finally {
      await running.stop();
      await first.close();
    }
    expect(await rawQuery(database, "SELECT status FROM broadcasts WHERE id = 4")).toEqual([{ status: "scheduled" }]);
    expect(await historyCount(database)).toBe(2);

    const second = await createHarness(database.db);
    // Telegram keeps the admin's message through our restart: the new fake Bot API knows it too.
    second.api.remember(source);
    const again = backgroundOf(second);
    try {
      // Running again, and not yet due: still waiting.
      await again.scheduler.tick();
      expect(await rawQuery(database, "SELECT status FROM broadcasts WHERE id = 4")).toEqual([{ status: "scheduled" }]);

      await rawExec(database, "UPDATE broadcasts SET send_at = now() - interval '1 second' WHERE id = 4");
      const progressId = await eventually("the progress message's id", async () => {
        const [row] = await rawQuery(database, "SELECT progress_message_id::int AS id FROM message_history WHERE id = 3");
        return (row?.id as number | null | undefined) ?? undefined;
      });
      await eventually("the progress message edited to the report", () => second.api.message(ADMIN.id, progressId)?.text === reportText(3, 2));
      await eventually("the report", () => toAdminSince(second, 0).includes(`sendMessage: ${reportText(3, 2)}`));
    } finally {
      await again.stop();
      await second.close();
    }

    expect(await rawQuery(database, "SELECT status, message_id FROM broadcasts WHERE id = 4")).toEqual([{ status: "started", message_id: 3 }]);
    expect(await historyCount(database)).toBe(3);
    const copies = second.api.callsOf("copyMessage").filter((c) => c.outcome === "ok").map((c) => c.payload.chat_id);
    expect(copies.sort((a, b) => a! - b!)).toEqual([701, 702]);
    expect(first.api.callsOf("copyMessage").filter((c) => c.payload.chat_id !== ADMIN.id)).toEqual([]);
    // The loops run on their own here, so how many edits the figures got on the way is not fixed: the messages and the end are.
    expect(toAdminSince(second, 0).filter((c) => c.startsWith("sendMessage"))).toEqual([`sendMessage: ${progressText(3, 2)}`, `sendMessage: ${reportText(3, 2)}`]);
    expect(await rawQuery(database, "SELECT user_id::int AS user_id, delivery_status FROM message_recipients WHERE message_id = 3 ORDER BY user_id")).toEqual([
      { user_id: 701, delivery_status: "sent" },
      { user_id: 702, delivery_status: "sent" },
    ]);
  });

  it("a forged press on a scheduled broadcast's button gets a short answer and changes nothing", async () => {
    const before = await broadcastState(database);
    for (const data of ["bs:n:zzzzzz", "bs:x:0"]) {
      const calls = await h.pressData(h.lastSent(), data);
      expect(calls.map((c) => c.method)).toEqual(["answerCallbackQuery"]);
      expect(answers(calls)).toEqual(["Эта рассылка уже отправлена или отменена."]);
    }
    expect(await broadcastState(database)).toEqual(before);
  });
});
