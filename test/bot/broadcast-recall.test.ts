import { describe, expect, it } from "vitest";
import type { Message } from "grammy/types";
import { broadcastWords } from "../../src/bot/broadcast-words";
import { finishBroadcastOnLastRecipient } from "../../src/delivery/broadcasts";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { addBookings } from "../helpers/fixtures";
import { buttonRows } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";
import { FAST, deliverAll, testWorker } from "../delivery/helpers";
import { broadcastState } from "../helpers/broadcasts";

// Three confirmed students on the 7th stream.
const STUDENTS = [801, 802, 803];
const { database, h } = useBotFixture({
  seed: (database) => addBookings(database.db, STUDENTS.map((userId) => ({ userId, confirmed: 2 as const, courseStream: "7th_stream" }))),
});

const RECALL = "🗑 Удалить из чатов";
const ASK = "Удалить рассылку из чатов получателей? Telegram даёт удалить только то, что отправлено меньше 48 часов назад.";
const ALREADY = "Удаление уже запущено — отчёт придёт, когда закончится.";
const GONE = "Эта рассылка не найдена.";
const H49 = 49 * 3600;

type Calls = Array<{ method: string; payload: Record<string, unknown> & { text?: string } }>;
const answers = (calls: Calls) => calls.filter((c) => c.method === "answerCallbackQuery").map((c) => ({ text: c.payload.text, alert: c.payload.show_alert === true }));

function worker() {
  return testWorker(database.db, h.api, FAST, { onOutcome: finishBroadcastOnLastRecipient(broadcastWords) });
}

/** The last message the bot sent the admin whose text starts so, as it stands now. */
function sentToAdmin(prefix: string): Message {
  const found = [...h.api.messages.values()].filter((m) => m.chat.id === ADMIN.id && m.from?.is_bot && m.text?.startsWith(prefix)).at(-1);
  if (!found) throw new Error(`nothing starting "${prefix}" was sent to the admin`);
  return found;
}

function dataOf(message: Message, label: string): string {
  const button = message.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
  if (!button || !("callback_data" in button)) throw new Error(`no button "${label}" in ${JSON.stringify(buttonRows(message.reply_markup))}`);
  return button.callback_data;
}

/** Through the bot: /broadcast → confirmed → all three → `text` → send; delivered by the worker. The report it ends with. */
async function broadcastToAll(id: number, text: string): Promise<Message> {
  await h.send("/broadcast");
  await h.press(h.lastSent(), "🟢 Подтверждённые");
  await h.press(h.lastSent(), "Все курсы и потоки (3)");
  await h.send(text);
  const sent = await h.press(h.lastSent(), "📨 Отправить 3");
  expect(sent.at(-1)!.payload.text).toBe(`📨 Рассылка #${id}: отправлено 0 из 3 · не доставлено 0 · в очереди 3`);
  await deliverAll(worker());
  const report = sentToAdmin(`✅ Рассылка #${id} завершена`);
  expect(report.text).toBe(`✅ Рассылка #${id} завершена: доставлено 3 из 3 · не доставлено 0`);
  expect(buttonRows(report.reply_markup)).toEqual([[RECALL]]);
  return report;
}

/** Each student's copy of broadcast `id`: the Telegram message id the worker recorded. */
async function copiesOf(id: number): Promise<Map<number, number>> {
  const rows = await rawQuery(database, "SELECT user_id::int AS user_id, telegram_message_id::int AS copy FROM message_recipients WHERE message_id = $1 ORDER BY user_id", [id]);
  return new Map(rows.map((r) => [r.user_id as number, r.copy as number]));
}

const recallRows = () =>
  rawQuery(database, "SELECT dedupe_key, chat_id::int AS chat_id, deletes_message_id::int AS deletes, status FROM outbox WHERE kind = 'broadcast_recall' ORDER BY chat_id");

describe("🗑 Удалить из чатов", () => {
  let yesOfFirst: { report: Message; data: string } | undefined;

  it("asks once more, deletes the copies still deletable through the outbox, marks them deleted, and reports how many went", async () => {
    const report = await broadcastToAll(1, "Ссылка на вебинар: https://example.com/w — по ошибке не та.");
    const copies = await copiesOf(1);
    expect([...copies.keys()]).toEqual(STUDENTS);
    for (const [chatId, copy] of copies) expect(h.api.message(chatId, copy)?.text).toBe("Ссылка на вебинар: https://example.com/w — по ошибке не та.");

    // 803's copy went out 49 hours ago as far as we recorded: not even tried. 802's is that old
    // at Telegram only (our record says recent): tried, and refused.
    await rawExec(database, "UPDATE outbox SET sent_at = now() - interval '49 hours' WHERE dedupe_key = 'broadcast:1:803'");
    h.api.message(802, copies.get(802)!)!.date -= H49;

    const ask = await h.press(report, RECALL);
    expect(ask.map((c) => c.method)).toEqual(["editMessageReplyMarkup", "answerCallbackQuery"]);
    expect(answers(ask)).toEqual([{ text: ASK, alert: true }]);
    expect(buttonRows(h.api.message(ADMIN.id, report.message_id)!.reply_markup)).toEqual([["🗑 Да, удалить (3)", "Оставить"]]);

    const keep = await h.press(report, "Оставить");
    expect(answers(keep)).toEqual([{ text: "Рассылка остаётся в чатах", alert: false }]);
    expect(buttonRows(h.api.message(ADMIN.id, report.message_id)!.reply_markup)).toEqual([[RECALL]]);
    expect(await recallRows()).toEqual([]);
    expect(await rawQuery(database, "SELECT recalled_by FROM broadcasts")).toEqual([{ recalled_by: null }]);

    await h.press(report, RECALL);
    const asked = h.api.message(ADMIN.id, report.message_id)!;
    yesOfFirst = { report: asked, data: dataOf(asked, "🗑 Да, удалить (3)") };
    const yes = await h.press(report, "🗑 Да, удалить (3)");
    expect(yes.map((c) => c.method)).toEqual(["editMessageReplyMarkup", "answerCallbackQuery"]);
    expect(answers(yes)).toEqual([{ text: "🗑 Удаляю из чатов: 2. Пришлю отчёт.", alert: false }]);
    expect(buttonRows(h.api.message(ADMIN.id, report.message_id)!.reply_markup)).toEqual([]);
    expect(await rawQuery(database, "SELECT recalled_by::int AS by, recall_reported_at FROM broadcasts")).toEqual([{ by: ADMIN.id, recall_reported_at: null }]);
    expect(await recallRows()).toEqual([
      { dedupe_key: "recall:1:801", chat_id: 801, deletes: copies.get(801), status: "queued" },
      { dedupe_key: "recall:1:802", chat_id: 802, deletes: copies.get(802), status: "queued" },
    ]);

    const deletesBefore = h.api.callsOf("deleteMessage").length;
    await deliverAll(worker());
    const deletes = h.api.callsOf("deleteMessage").slice(deletesBefore);
    expect(deletes.map((c) => ({ chat_id: c.payload.chat_id, message_id: c.payload.message_id, outcome: c.outcome })).sort((a, b) => a.chat_id! - b.chat_id!)).toEqual([
      { chat_id: 801, message_id: copies.get(801), outcome: "ok" },
      { chat_id: 802, message_id: copies.get(802), outcome: 400 },
    ]);
    expect(h.api.message(801, copies.get(801)!)).toBeUndefined();
    expect(h.api.message(802, copies.get(802)!)).toBeDefined();
    expect(h.api.message(803, copies.get(803)!)).toBeDefined();

    // As the real dashboard marks a deleted copy; the others stay delivered, the refused one says why.
    expect(await rawQuery(database, "SELECT user_id::int AS user_id, delivery_status, telegram_message_id::int AS copy, error FROM message_recipients ORDER BY user_id")).toEqual([
      { user_id: 801, delivery_status: "deleted", copy: copies.get(801), error: null },
      { user_id: 802, delivery_status: "sent", copy: copies.get(802), error: "not deleted: 400: Bad Request: message can't be deleted for everyone" },
      { user_id: 803, delivery_status: "sent", copy: copies.get(803), error: null },
    ]);
    expect((await recallRows()).map((r) => r.status)).toEqual(["sent", "failed"]);
    // A refusal to delete is no sign of a blocked bot.
    expect(await rawQuery(database, "SELECT user_id FROM blocked_users")).toEqual([]);
    expect(await rawQuery(database, "SELECT successful_deliveries, finished_at IS NOT NULL AS finished FROM message_history")).toEqual([{ successful_deliveries: 3, finished: true }]);

    const recallReport = sentToAdmin("🗑 Рассылка #1");
    expect(recallReport.text).toBe("🗑 Рассылка #1: удалена из 1 из 3 чатов · не удалось 2 (старше 48 часов или уже удалены).");
    expect(buttonRows(recallReport.reply_markup)).toEqual([]);
    expect(h.api.callsOf("sendMessage").filter((c) => c.payload.chat_id === ADMIN.id && c.payload.text?.startsWith("🗑 Рассылка #1"))).toHaveLength(1);
    expect(await rawQuery(database, "SELECT recall_reported_at IS NOT NULL AS reported FROM broadcasts")).toEqual([{ reported: true }]);
  });

  it("a second «Да, удалить» (its old button) finds the recall under way and queues nothing", async () => {
    expect(yesOfFirst).toBeDefined();
    const outboxBefore = await rawQuery(database, "SELECT id, status FROM outbox ORDER BY id");
    const deletesBefore = h.api.callsOf("deleteMessage").length;
    const again = await h.pressData(yesOfFirst!.report, yesOfFirst!.data);
    expect(answers(again)).toEqual([{ text: ALREADY, alert: false }]);
    expect(await rawQuery(database, "SELECT id, status FROM outbox ORDER BY id")).toEqual(outboxBefore);
    expect(await rawQuery(database, "SELECT recalled_by::int AS by FROM broadcasts")).toEqual([{ by: ADMIN.id }]);
    await deliverAll(worker());
    expect(h.api.callsOf("deleteMessage")).toHaveLength(deletesBefore);
    // "🗑 Удалить из чатов" pressed again on its old button: the same answer, no question.
    const ask = await h.pressData(yesOfFirst!.report, dataOf(yesOfFirst!.report, "🗑 Да, удалить (3)").replace("br:y:", "br:a:"));
    expect(answers(ask)).toEqual([{ text: ALREADY, alert: false }]);
  });

  it("with every copy older than 48 hours, «Да, удалить» says there is nothing to delete, queues nothing, and the report says 0", async () => {
    const report = await broadcastToAll(2, "Старое объявление.");
    await rawExec(database, "UPDATE outbox SET sent_at = now() - interval '49 hours' WHERE kind = 'broadcast' AND dedupe_key LIKE 'broadcast:2:%'");
    const copies = await copiesOf(2);

    await h.press(report, RECALL);
    expect(buttonRows(h.api.message(ADMIN.id, report.message_id)!.reply_markup)).toEqual([["🗑 Да, удалить (3)", "Оставить"]]);
    const yes = await h.press(report, "🗑 Да, удалить (3)");
    expect(answers(yes)).toEqual([{ text: "Удалять нечего: копии старше 48 часов, Telegram их удалить не даёт.", alert: true }]);
    expect(buttonRows(h.api.message(ADMIN.id, report.message_id)!.reply_markup)).toEqual([]);
    expect(await rawQuery(database, "SELECT id FROM outbox WHERE kind = 'broadcast_recall' AND dedupe_key LIKE 'recall:2:%'")).toEqual([]);
    expect(await rawQuery(database, "SELECT recalled_by::int AS by FROM broadcasts WHERE message_id = 2")).toEqual([{ by: ADMIN.id }]);

    const deletesBefore = h.api.callsOf("deleteMessage").length;
    await deliverAll(worker());
    expect(h.api.callsOf("deleteMessage")).toHaveLength(deletesBefore);
    for (const [chatId, copy] of copies) expect(h.api.message(chatId, copy)).toBeDefined();
    expect(await rawQuery(database, "SELECT user_id::int AS user_id, delivery_status, error FROM message_recipients WHERE message_id = 2 ORDER BY user_id")).toEqual(
      STUDENTS.map((user_id) => ({ user_id, delivery_status: "sent", error: null })),
    );
    expect(sentToAdmin("🗑 Рассылка #2").text).toBe("🗑 Рассылка #2: удалена из 0 из 3 чатов · не удалось 3 (старше 48 часов или уже удалены).");
    expect(await rawQuery(database, "SELECT recall_reported_at IS NOT NULL AS reported FROM broadcasts WHERE message_id = 2")).toEqual([{ reported: true }]);
  });

  it("a forged press answers that there is no such broadcast and changes nothing", async () => {
    const before = await broadcastState(database);
    const message = h.lastSent();
    const markup = JSON.stringify(h.api.message(ADMIN.id, message.message_id)!.reply_markup);
    // Out of range, malformed, and a well-formed id no broadcast of ours has.
    for (const data of ["br:y:zzzzzz", "br:a:0", "br:y:zz"]) {
      const calls = await h.pressData(message, data);
      expect(calls.map((c) => c.method)).toEqual(["answerCallbackQuery"]);
      expect(answers(calls)).toEqual([{ text: GONE, alert: false }]);
    }
    expect(JSON.stringify(h.api.message(ADMIN.id, message.message_id)!.reply_markup)).toBe(markup);
    expect(await broadcastState(database)).toEqual(before);
  });
});
