import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { Message, MessageEntity, User } from "grammy/types";
import { formatDateTime } from "../../src/bookings/dates";
import { broadcastWords } from "../../src/bot/broadcast-words";
import { finishBroadcastOnLastRecipient, startBroadcastScheduler } from "../../src/delivery/broadcasts";
import { runMigrations } from "../../src/db/migrate";
import { createTestDatabase, rawExec, rawQuery, type TestDatabase } from "../helpers/db";
import { buttonRows, createHarness, testConfig, type Harness } from "../helpers/harness";
import { REAL_BOT_SETUP, REAL_SCHEMA, realSystem } from "../helpers/real-system";
import { ADMIN, photoUpdate } from "../helpers/updates";
import { expectScreen } from "../helpers/screens";
import { historyCount } from "../helpers/broadcasts";
import { FAST, deliverAll, testWorker } from "../delivery/helpers";

/**
 * Issue 18 on the real system's schema: the photo broadcast to students picked by hand, the
 * scheduled one and the recall, through the real bot's presses, while the real bot and its
 * dashboard keep writing the same tables; what we record is read the way the dashboard reads it.
 *
 * Вера (5301) booked and was approved by the real bot; Вероника (5302) and Верочка (5304) only
 * pressed /start there (`users`), and Верочка blocked the bot since; Борис (5305) is approved too.
 */
const student = (id: number, first_name: string): User => ({ id, is_bot: false, first_name });
const VERA = student(5301, "Вера");
const NIKA = student(5302, "Вероника");
const VEROCHKA = student(5304, "Верочка");
const BORIS = student(5305, "Борис");
const DINA = student(5306, "Дина");
const USERNAMES: Record<number, string> = { [VERA.id]: "vera", [BORIS.id]: "boris", [DINA.id]: "dina" };

let database: TestDatabase;
let h: Harness;
let worker: ReturnType<typeof testWorker>;
let real: ReturnType<typeof realSystem>;

/** The real system's database with course 1, as our migrations and then its bot's own start leave it. */
async function realSchemaDatabase(): Promise<TestDatabase> {
  const made = await createTestDatabase({ migrate: false });
  for (const sql of [REAL_SCHEMA, "INSERT INTO courses (name, price_usd_cents, button_text) VALUES ('Вайб кодинг', 30000, 'Записаться')"]) await rawExec(made, sql);
  await runMigrations(made);
  await rawExec(made, REAL_BOT_SETUP);
  return made;
}

beforeAll(async () => {
  database = await realSchemaDatabase();
  real = realSystem({ query: async (text: string, params?: unknown[]) => ({ rows: await rawQuery(database, text, params ?? []), rowCount: 1 }) } as unknown as pg.Pool);
  await real.upsertUser({ id: VERA.id, username: "vera", firstName: "Вера", lastName: "Смирнова" });
  await real.upsertUser({ id: NIKA.id, username: "nika", firstName: "Вероника" });
  await real.upsertUser({ id: VEROCHKA.id, username: "verochka", firstName: "Верочка" });
  for (const [who, username] of [[VERA, "vera"], [BORIS, "boris"]] as const) {
    const booking = await real.createBooking({ userId: who.id, username, firstName: who.first_name, courseId: 1, stream: "7th_stream" });
    await real.approve(booking, who.id, ADMIN.id);
  }
  await real.blockUser(VEROCHKA.id);
  h = await createHarness(database.db);
  worker = testWorker(database.db, h.api, FAST, { onOutcome: finishBroadcastOnLastRecipient(broadcastWords) });
});
afterAll(async () => {
  await h?.close();
  await database?.dispose();
});

const CAPTION = "Старт 10 декабря — записывайтесь";
const CAPTION_ENTITIES: MessageEntity[] = [{ type: "italic", offset: 0, length: 5 }];
const LINK = { inline_keyboard: [[{ text: "Записаться", url: "https://example.com/course" }]] };
const ASK_CONTENT =
  "Пришлите сообщение для рассылки — так, как его увидят студенты: текст (оформление Telegram сохранится), фото, видео или документ с подписью. /cancel — отмена.";

type Calls = Array<{ method: string; payload: { text?: string; show_alert?: boolean } }>;
const sent = (calls: Calls) => calls.filter((c) => c.method === "sendMessage").map((c) => c.payload.text);
const toasts = (calls: Calls) => calls.filter((c) => c.method === "answerCallbackQuery").map((c) => c.payload.text);

/** The newest message the bot sent the admin whose text starts so, as it stands now. */
function botSaid(prefix: string): Message {
  const found = [...h.api.messages.values()].filter((m) => m.chat.id === ADMIN.id && m.from?.is_bot && m.text?.startsWith(prefix)).at(-1);
  if (!found) throw new Error(`the bot never told the admin "${prefix}…"`);
  return found;
}

/** The copies of the admin's message `source` that reached each chat (ok answers of the fake Bot API). */
function copiesOf(source: number): Map<number, number[]> {
  const copies = new Map<number, number[]>();
  for (const c of h.api.callsOf("copyMessage").filter((c) => c.payload.message_id === source && c.payload.chat_id !== ADMIN.id && c.outcome === "ok")) {
    copies.set(c.payload.chat_id!, [...(copies.get(c.payload.chat_id!) ?? []), c.messageId!]);
  }
  return copies;
}

/** One broadcast's rows as the real dashboard reads them (its columns only). */
async function asDashboardReads(messageId: number) {
  const [history] = await rawQuery(
    database,
    `SELECT message_text, total_recipients, successful_deliveries, recipient_type, recipient_group, sent_at IS NOT NULL AS sent, scheduled_at
     FROM message_history WHERE id = $1`,
    [messageId],
  );
  const recipients = await rawQuery(
    database,
    "SELECT user_id::int AS user_id, username, delivery_status, telegram_message_id::int AS copy FROM message_recipients WHERE message_id = $1 ORDER BY user_id",
    [messageId],
  );
  return { history, recipients };
}

/** The real bot's and the dashboard's writes of a busy minute, none touching who a broadcast goes to; each must succeed. */
async function realSystemBusy(round: number) {
  const userId = 5_400 + round;
  await real.upsertUser({ id: userId, username: `new${round}`, firstName: `Новичок ${round}` });
  await real.logEvent(userId, "start_command", null);
  const booking = await real.createBooking({ userId, username: `new${round}`, firstName: `Новичок ${round}`, courseId: 1, stream: "8th_stream" });
  await real.paymentProof(userId);
  await real.upsertUser({ id: VERA.id, username: "vera", firstName: "Вера", lastName: `Смирнова-${round}` });
  const note = await real.sendMessage(`Личное сообщение ${round}`, [userId]);
  await real.markDelivered(note, userId, 77_000 + round);
  await real.recount(note);
  return { booking, note };
}

describe("broadcasts on the real schema", () => {
  let photoReport: Message;
  let photoHistory: number;

  it("a photo with its caption and a link button, to students picked by hand (some only in `users`): each gets it once; the blocked one is left out and counted", async () => {
    await h.send("/broadcast");
    await h.press(h.lastSent(), "✋ Выбрать студентов");
    const found = await h.send("вер");
    expectScreen(
      found.filter((c) => c.method === "sendMessage"),
      ["✋ <b>Выбранные студенты</b>: 0\n\nНайдено по «вер»: 3. Нажмите, чтобы добавить или убрать."],
      [["➕ Верочка · @verochka · id 5304"], ["➕ Вероника · @nika · id 5302"], ["➕ Вера Смирнова · @vera · id 5301"], ["✅ Готово (0)", "✖️ Отмена"]],
    );
    for (const label of ["➕ Вера Смирнова · @vera · id 5301", "➕ Вероника · @nika · id 5302", "➕ Верочка · @verochka · id 5304"]) await h.press(h.lastSent(), label);
    const chosen = await h.press(h.lastSent(), "✅ Готово (3)");
    expect(sent(chosen)).toEqual(["📨 Рассылка: 3 выбранных студента. Получателей: 2 (ещё 1 заблокировал бота — ему не отправим).", ASK_CONTENT]);

    const poster = photoUpdate(ADMIN, "poster-file", CAPTION);
    (poster.message as Message & { caption_entities: MessageEntity[] }).caption_entities = CAPTION_ENTITIES;
    await h.deliver(poster);
    await h.press(h.lastSent(), "🔗 Кнопки-ссылки");
    const preview = await h.send("Записаться — https://example.com/course");
    expect(preview.map((c) => c.method)).toEqual(["copyMessage", "sendMessage"]);
    expect(h.api.message(ADMIN.id, h.api.callsOf("copyMessage").at(-1)!.messageId!)).toMatchObject({ caption: CAPTION, reply_markup: LINK });
    expectScreen(
      preview[1]!,
      ["☝️ Так сообщение увидят студенты.", "Кому: 3 выбранных студента — 2 (ещё 1 заблокировал бота — ему не отправим)", "Когда: сразу после подтверждения"],
      [["📨 Отправить 2"], ["🔗 Кнопки-ссылки", "⏰ Позже"], ["✖️ Отмена"]],
    );
    const historyBefore = await historyCount(database);
    const go = await h.press(h.lastSent(), "📨 Отправить 2");
    photoHistory = historyBefore + 1;
    expect(go.at(-1)!.payload.text).toBe(`📨 Рассылка #${photoHistory}: отправлено 0 из 2 · не доставлено 0 · в очереди 2`);

    // The worker delivers while the real bot and the dashboard write beside it.
    const [, busy] = await Promise.all([deliverAll(worker), realSystemBusy(1)]);
    expect(await rawQuery(database, "SELECT confirmed FROM bookings WHERE id = $1", [busy.booking])).toEqual([{ confirmed: 1 }]);
    expect(await asDashboardReads(busy.note)).toMatchObject({ history: { recipient_type: "individual", successful_deliveries: 1 }, recipients: [{ delivery_status: "sent", copy: 77_001 }] });
    await deliverAll(worker);

    const copies = copiesOf(poster.message!.message_id);
    expect([...copies.keys()].sort()).toEqual([VERA.id, NIKA.id]);
    for (const [chatId, [copy, ...more]] of copies) {
      expect(more).toEqual([]);
      expect(h.api.message(chatId, copy!)).toMatchObject({
        photo: expect.arrayContaining([expect.objectContaining({ file_id: "poster-file" })]),
        caption: CAPTION,
        caption_entities: CAPTION_ENTITIES,
        reply_markup: LINK,
      });
    }
    expect(await asDashboardReads(photoHistory)).toEqual({
      history: { message_text: CAPTION, total_recipients: 2, successful_deliveries: 2, recipient_type: "individual", recipient_group: null, sent: true, scheduled_at: null },
      recipients: [
        { user_id: VERA.id, username: "vera", delivery_status: "sent", copy: copies.get(VERA.id)![0] },
        { user_id: NIKA.id, username: "nika", delivery_status: "sent", copy: copies.get(NIKA.id)![0] },
      ],
    });
    photoReport = botSaid(`✅ Рассылка #${photoHistory} завершена`);
    expect(photoReport.text).toBe(`✅ Рассылка #${photoHistory} завершена: доставлено 2 из 2 · не доставлено 0`);
    expect(buttonRows(photoReport.reply_markup)).toEqual([["🗑 Удалить из чатов"]]);
  });

  it("a scheduled one: nothing sent and no message_history row before its time, then sent once to whom the audience holds then", async () => {
    const zone = testConfig().timeZone;
    const at = new Date(Math.floor((Date.now() + 86_400_000) / 60_000) * 60_000);
    const when = formatDateTime(at, zone);
    const text = "Напоминание: занятие в четверг в 19:00.";
    await h.send("/broadcast");
    await h.press(h.lastSent(), "🟢 Подтверждённые");
    await h.press(h.lastSent(), "Все курсы и потоки (2)");
    const source = (await h.send(text))[0]!.payload.message_id as number;
    await h.press(h.lastSent(), "⏰ Позже");
    await h.send(when);
    const done = await h.press(h.lastSent(), `⏰ Запланировать на ${when}`);
    expect(sent(done)).toEqual([
      `⏰ Рассылка запланирована на ${when}. Список, отмена и «отправить сейчас» — /broadcast. Не удаляйте своё сообщение до отправки: студенты получат его копию.`,
    ]);

    const historyBefore = await historyCount(database);
    const tick = async () => {
      const scheduler = startBroadcastScheduler({ db: database.db, logger: h.deps.logger, words: broadcastWords, everyMs: 3_600_000 });
      try {
        await scheduler.tick();
      } finally {
        await scheduler.stop();
      }
    };
    // Not yet due: the scheduler and the worker pass it by, while the real bot approves Дина.
    await Promise.all([tick(), realSystemBusy(2)]);
    const dina = await real.createBooking({ userId: DINA.id, username: USERNAMES[DINA.id]!, firstName: "Дина", courseId: 1, stream: "7th_stream" });
    await real.approve(dina, DINA.id, ADMIN.id);
    await deliverAll(worker);
    // The dashboard sees nothing of it yet (only its own note of the busy minute), and nobody got it.
    expect(await historyCount(database)).toBe(historyBefore + 1);
    expect(await rawQuery(database, "SELECT id FROM message_history WHERE message_text = $1", [text])).toEqual([]);
    expect(await rawQuery(database, "SELECT id FROM outbox WHERE copy_message_id = $1", [source])).toEqual([]);
    expect(copiesOf(source)).toEqual(new Map());
    expect(await rawQuery(database, "SELECT status, message_id FROM broadcasts WHERE from_message_id = $1", [source])).toEqual([{ status: "scheduled", message_id: null }]);

    await rawExec(database, "UPDATE broadcasts SET send_at = now() - interval '1 second' WHERE status = 'scheduled'");
    await Promise.all([tick(), tick(), realSystemBusy(3)]);
    await deliverAll(worker);
    const copies = copiesOf(source);
    expect([...copies].sort(([a], [b]) => a - b).map(([chatId, ids]) => [chatId, ids.length])).toEqual([
      [VERA.id, 1],
      [BORIS.id, 1],
      [DINA.id, 1],
    ]);
    for (const [chatId, [copy]] of copies) expect(h.api.message(chatId, copy!)?.text).toBe(text);
    const [{ id } = {}] = await rawQuery(database, "SELECT message_id AS id FROM broadcasts WHERE from_message_id = $1", [source]);
    expect(await asDashboardReads(id as number)).toEqual({
      history: { message_text: text, total_recipients: 3, successful_deliveries: 3, recipient_type: "group", recipient_group: "status:2", sent: true, scheduled_at: null },
      recipients: [VERA, BORIS, DINA].map((s) => ({ user_id: s.id, username: USERNAMES[s.id], delivery_status: "sent", copy: copies.get(s.id)![0] })),
    });
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM message_history WHERE scheduled_at IS NOT NULL")).toEqual([{ n: 0 }]);
    expect(botSaid(`✅ Рассылка #${id} завершена`).text).toBe(`✅ Рассылка #${id} завершена: доставлено 3 из 3 · не доставлено 0`);
  });

  it("a recall on the photo's report deletes every delivered copy, marks the recipients deleted and reports how many", async () => {
    const copies = await asDashboardReads(photoHistory);
    const ask = await h.press(photoReport, "🗑 Удалить из чатов");
    expect(ask.filter((c) => c.method === "answerCallbackQuery").map((c) => c.payload)).toMatchObject([
      { text: "Удалить рассылку из чатов получателей? Telegram даёт удалить только то, что отправлено меньше 48 часов назад.", show_alert: true },
    ]);
    expect(buttonRows(h.api.message(ADMIN.id, photoReport.message_id)!.reply_markup)).toEqual([["🗑 Да, удалить (2)", "Оставить"]]);
    const yes = await h.press(photoReport, "🗑 Да, удалить (2)");
    expect(toasts(yes)).toEqual(["🗑 Удаляю из чатов: 2. Пришлю отчёт."]);
    const before = h.api.callsOf("deleteMessage").length;
    await Promise.all([deliverAll(worker), realSystemBusy(4)]);
    await deliverAll(worker);
    const deletes = h.api.callsOf("deleteMessage").slice(before);
    expect(deletes.map((c) => ({ chat_id: c.payload.chat_id, message_id: c.payload.message_id, outcome: c.outcome })).sort((a, b) => a.chat_id! - b.chat_id!)).toEqual(
      copies.recipients.map((r) => ({ chat_id: r.user_id, message_id: r.copy, outcome: "ok" })),
    );
    for (const r of copies.recipients) expect(h.api.message(r.user_id as number, r.copy as number)).toBeUndefined();
    expect((await asDashboardReads(photoHistory)).recipients).toEqual(copies.recipients.map((r) => ({ ...r, delivery_status: "deleted" })));
    expect(botSaid(`🗑 Рассылка #${photoHistory}`).text).toBe(`🗑 Рассылка #${photoHistory}: удалена из 2 из 2 чатов.`);
  });
});
