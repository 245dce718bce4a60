import { describe, expect, it } from "vitest";
import type { Message, MessageEntity, Update } from "grammy/types";
import { broadcastWords } from "../../src/bot/broadcast-words";
import { finishBroadcastOnLastRecipient } from "../../src/delivery/broadcasts";
import { countAudience } from "../../src/db/queries/audiences";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { addBookings, addUser } from "../helpers/fixtures";
import { buttonRows } from "../helpers/harness";
import { ADMIN, messageUpdate, photoUpdate } from "../helpers/updates";
import { FAST, deliverAll, testWorker } from "../delivery/helpers";
import { expectScreen } from "../helpers/screens";

/**
 * Broadcast audiences beyond bookings, content beyond text, link buttons, and every bad input on
 * the way: through the real bot, against the fake Bot API, on our schema (the real one's tables
 * are the same: users, bookings, free_lesson_registrations, blocked_users).
 *
 * Вера (701) and Вероника (702) booked; Верон (703) only pressed /start and registered for a free
 * lesson, as did Сева (705, who has no `users` row); Глеб (704) pressed /start and blocked the bot.
 */
const { database, h } = useBotFixture({
  seed: async ({ db }) => {
    await addUser(db, { userId: 701, username: "vera", firstName: "Вера", lastName: "Смирнова" });
    await addUser(db, { userId: 702, username: "nika", firstName: "Вероника", lastName: null });
    await addUser(db, { userId: 703, username: null, firstName: "Верон", lastName: null });
    await addUser(db, { userId: 704, username: "gleb", firstName: "Глеб", lastName: null });
    await addBookings(db, [
      { userId: 701, username: "vera", firstName: "Вера", confirmed: 2, courseStream: "7th_stream" },
      { userId: 702, username: "nika", firstName: "Вероника", confirmed: 0, courseStream: "7th_stream" },
    ]);
  },
});

const LESSON = { lessonType: "cursor_lesson", lessonDate: "2026-12-10" };

async function seedLessonAndBlocks() {
  await rawExec(database, "INSERT INTO blocked_users (user_id) VALUES (704) ON CONFLICT DO NOTHING");
  await rawExec(
    database,
    `INSERT INTO free_lesson_registrations (user_id, username, first_name, email, lesson_type, lesson_date)
     VALUES (703, NULL, 'Верон', 'v@example.com', 'cursor_lesson', '2026-12-10'), (705, 'seva', 'Сева', 's@example.com', 'cursor_lesson', '2026-12-10')
     ON CONFLICT DO NOTHING`,
  );
}

const CAPTION_ENTITIES: MessageEntity[] = [{ type: "italic", offset: 0, length: 5 }];

/** A photo with a formatted caption, as an admin's client sends it. */
function poster(): Update {
  const update = photoUpdate(ADMIN, "poster-file", "Старт 10 декабря — записывайтесь");
  (update.message as Message & { caption_entities: MessageEntity[] }).caption_entities = CAPTION_ENTITIES;
  return update;
}

/** Any message the admin sends (a sticker, a poll…): its content over a text message's. */
function adminMessage(content: Record<string, unknown>): Update {
  const update = messageUpdate("x");
  const { text: _text, ...rest } = update.message as Message;
  return { ...update, message: { ...rest, ...content } as Update["message"] };
}

const texts = (calls: Array<{ method: string; payload: { text?: string } }>) => calls.filter((c) => c.method === "sendMessage").map((c) => c.payload.text);

describe("broadcast audiences", () => {
  it("counts each audience once per student, leaving out and counting those who blocked the bot", async () => {
    await seedLessonAndBlocks();
    expect(await countAudience(database.db, { kind: "started" })).toEqual({ recipients: 3, unreachable: 1 });
    expect(await countAudience(database.db, { kind: "never_booked" })).toEqual({ recipients: 1, unreachable: 1 });
    expect(await countAudience(database.db, { kind: "lesson", ...LESSON })).toEqual({ recipients: 2, unreachable: 0 });
    expect(await countAudience(database.db, { kind: "picked", userIds: [701, 704, 701] })).toEqual({ recipients: 1, unreachable: 1 });
    expect(await countAudience(database.db, { kind: "bookings", status: "any" })).toEqual({ recipients: 2, unreachable: 0 });
  });

  it("a photo with its caption and a link button, to students picked by hand: each gets it once, as the preview showed", async () => {
    await h.send("/broadcast");
    const picker = await h.press(h.lastSent(), "✋ Выбрать студентов");
    expect(picker.find((c) => c.method === "editMessageText")!.payload.text).toBe(
      "✋ <b>Выбранные студенты</b>: 0\n\nПришлите имя, @username или id студента — найду и покажу кнопками.",
    );
    const found = await h.send("вер");
    const screen = found.find((c) => c.method === "sendMessage")!;
    expect(screen.payload.text).toBe("✋ <b>Выбранные студенты</b>: 0\n\nНайдено по «вер»: 3. Нажмите, чтобы добавить или убрать.");
    // Best first, among equals the most recently active (search.ts): the last to press /start first.
    expect(buttonRows(screen.payload.reply_markup)).toEqual([
      ["➕ Верон · без @username · id 703"],
      ["➕ Вероника · @nika · id 702"],
      ["➕ Вера Смирнова · @vera · id 701"],
      ["✅ Готово (0)", "✖️ Отмена"],
    ]);
    // Done with nobody picked says what to do and keeps waiting.
    const empty = await h.press(h.lastSent(), "✅ Готово (0)");
    expect(empty).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "Пришлите имя, @username или id студента — найду и покажу кнопками." }) }]);
    await h.press(h.lastSent(), "➕ Вера Смирнова · @vera · id 701");
    await h.press(h.lastSent(), "➕ Вероника · @nika · id 702");
    const removed = await h.press(h.lastSent(), "✖️ Вероника · @nika · id 702");
    expect(removed.find((c) => c.method === "editMessageText")!.payload.text).toBe(
      "✋ <b>Выбранные студенты</b>: 1\n• Вера Смирнова · @vera · id 701\n\nНайдено по «вер»: 3. Нажмите, чтобы добавить или убрать.",
    );
    // By id: a student who never booked is found in `users`.
    await h.send("703");
    await h.press(h.lastSent(), "➕ Верон · без @username · id 703");
    const chosen = await h.press(h.lastSent(), "✅ Готово (2)");
    expect(texts(chosen)).toEqual([
      "📨 Рассылка: 2 выбранных студента. Получателей: 2.",
      "Пришлите сообщение для рассылки — так, как его увидят студенты: текст (оформление Telegram сохранится), фото, видео или документ с подписью. /cancel — отмена.",
    ]);

    const content = poster();
    const preview = await h.deliver(content);
    expect(preview.map((c) => c.method)).toEqual(["copyMessage", "sendMessage"]);
    const buttons = await h.press(h.lastSent(), "🔗 Кнопки-ссылки");
    const ask = buttons.find((c) => c.method === "sendMessage")!;
    expectScreen(ask, ["Пришлите кнопки-ссылки, по одной в строке (не больше 5):\nЗаписаться — https://example.com/course\nНовый список заменит прежний."], [["🚫 Без кнопок"]]);
    expect(texts(await h.send("Записаться — http://example.com/course"))).toEqual(["Строка 1: ссылка должна начинаться с https:// и вести на сайт."]);
    expect(texts(await h.send("Записаться https://example.com/course"))).toEqual(["Строка 1: нужен вид «Текст — https://ссылка»."]);
    expect(texts(await h.send(["a — https://a.example", "b — https://b.example", "c — https://c.example", "d — https://d.example", "e — https://e.example", "f — https://f.example"].join("\n")))).toEqual([
      "Кнопок больше 5 — оставьте самые нужные.",
    ]);
    const withLink = await h.send("Записаться — https://example.com/course\nПрограмма – https://example.com/program");
    expect(withLink.map((c) => c.method)).toEqual(["copyMessage", "sendMessage"]);
    const link = { inline_keyboard: [[{ text: "Записаться", url: "https://example.com/course" }], [{ text: "Программа", url: "https://example.com/program" }]] };
    expect(withLink[0]!.payload).toMatchObject({ from_chat_id: ADMIN.id, message_id: content.message!.message_id, reply_markup: link });
    expect(withLink[1]!.payload.text).toBe("☝️ Так сообщение увидят студенты.\nКому: 2 выбранных студента — 2\nКогда: сразу после подтверждения");
    await h.press(h.lastSent(), "📨 Отправить 2");

    expect(await rawQuery(database, "SELECT message_text, recipient_type, recipient_group, total_recipients FROM message_history")).toEqual([
      { message_text: "Старт 10 декабря — записывайтесь", recipient_type: "individual", recipient_group: null, total_recipients: 2 },
    ]);
    const worker = testWorker(database.db, h.api, FAST, { onOutcome: finishBroadcastOnLastRecipient(broadcastWords) });
    await deliverAll(worker);
    const copies = h.api.callsOf("copyMessage").filter((c) => c.payload.chat_id !== ADMIN.id);
    expect(copies.map((c) => c.payload.chat_id).sort()).toEqual([701, 703]);
    for (const copy of copies) {
      expect(h.api.message(copy.payload.chat_id!, copy.messageId!)).toMatchObject({
        photo: expect.arrayContaining([expect.objectContaining({ file_id: "poster-file" })]),
        caption: "Старт 10 декабря — записывайтесь",
        caption_entities: CAPTION_ENTITIES,
        reply_markup: link,
      });
    }
    expect(await rawQuery(database, "SELECT user_id::int AS id, delivery_status FROM message_recipients ORDER BY user_id")).toEqual([
      { id: 701, delivery_status: "sent" },
      { id: 703, delivery_status: "sent" },
    ]);
  });

  it("everyone who pressed /start, those who never booked, a free lesson's registrants: counted on the way, recorded as a group", async () => {
    await seedLessonAndBlocks();
    const chosenLine = async (button: string) => {
      await h.send("/broadcast");
      const calls = await h.press(h.lastSent(), button);
      return calls;
    };
    expect(texts(await chosenLine("👋 Все, кто нажал /start"))[0]).toBe("📨 Рассылка: 👋 Все, кто нажал /start. Получателей: 3 (ещё 1 заблокировал бота — ему не отправим).");
    await h.send("/cancel");
    expect(texts(await chosenLine("🙅 Без заявок"))[0]).toBe("📨 Рассылка: 🙅 Без заявок. Получателей: 1 (ещё 1 заблокировал бота — ему не отправим).");
    await h.send("/cancel");

    const lessons = await chosenLine("🎓 Бесплатный урок");
    const edit = lessons.find((c) => c.method === "editMessageText")!;
    expectScreen(edit, ["📨 Рассылка участникам бесплатного урока. Какого?"], [["🎓 Воркшоп по Cursor · 10.12.2026 (2)"], ["✖️ Отмена"]]);
    const picked = await h.press(h.lastSent(), "🎓 Воркшоп по Cursor · 10.12.2026 (2)");
    expect(texts(picked)[0]).toBe("📨 Рассылка: участники урока «Воркшоп по Cursor» · 10.12.2026. Получателей: 2.");
    await h.send("Напоминаем: урок завтра в 19:00");
    const before = (await rawQuery(database, "SELECT count(*)::int AS n FROM message_history"))[0];
    await h.press(h.lastSent(), "📨 Отправить 2");
    expect(await rawQuery(database, "SELECT recipient_type, recipient_group FROM message_history ORDER BY id DESC LIMIT 1")).toEqual([
      { recipient_type: "group", recipient_group: "lesson:cursor_lesson:2026-12-10" },
    ]);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM message_history")).toEqual([{ n: (before as { n: number }).n + 1 }]);
    // Сева has no `users` row: the registration names them.
    expect(await rawQuery(database, "SELECT user_id::int AS id, username FROM message_recipients WHERE message_id = (SELECT max(id) FROM message_history) ORDER BY user_id")).toEqual([
      { id: 703, username: null },
      { id: 705, username: "seva" },
    ]);
  });

  it("an audience nobody in it can be reached: one clear line, and the question again; nothing queued", async () => {
    await seedLessonAndBlocks();
    const before = await rawQuery(database, "SELECT count(*)::int AS n FROM outbox");
    await h.send("/broadcast");
    const calls = await h.press(h.lastSent(), "🔴 Отменённые");
    expect(buttonRows(calls.find((c) => c.method === "editMessageText")!.payload.reply_markup)).toEqual([["Все курсы и потоки (0)"], ["✖️ Отмена"]]);
    const nobody = await h.press(h.lastSent(), "Все курсы и потоки (0)");
    expect(texts(nobody)).toEqual(["Некому отправлять: в этой аудитории нет студентов, до которых можно достучаться. Выберите другую.", "📨 Рассылка. Кому отправить?"]);
    await h.send("/cancel");
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM outbox")).toEqual(before);
  });

  it("content it cannot send (a sticker, a poll, a location, an album): one clear line, asked again, nothing queued", async () => {
    const before = await rawQuery(database, "SELECT count(*)::int AS n FROM broadcasts");
    await h.send("/broadcast");
    await h.press(h.lastSent(), "🟢 Подтверждённые");
    await h.press(h.lastSent(), "Все курсы и потоки (1)");
    const unsupported = "Такое не разослать: пришлите текст, фото, видео или документ.";
    expect(texts(await h.deliver(adminMessage({ sticker: { file_id: "s1", file_unique_id: "s1", type: "regular", width: 512, height: 512, is_animated: false, is_video: false } })))).toEqual([unsupported]);
    expect(texts(await h.deliver(adminMessage({ poll: { id: "p", question: "?", options: [], total_voter_count: 0, is_closed: false, is_anonymous: true, type: "regular", allows_multiple_answers: false } })))).toEqual([unsupported]);
    expect(texts(await h.deliver(adminMessage({ location: { latitude: 55.75, longitude: 37.61 } })))).toEqual([unsupported]);
    expect(texts(await h.deliver(adminMessage({ animation: { file_id: "a", file_unique_id: "a", width: 1, height: 1, duration: 1 }, document: { file_id: "a", file_unique_id: "a" } })))).toEqual([unsupported]);
    const album = poster();
    (album.message as Message & { media_group_id: string }).media_group_id = "album-1";
    expect(texts(await h.deliver(album))).toEqual(["Альбом не разослать — пришлите одно фото, видео или документ."]);
    // Then a good one is taken.
    const ok = await h.deliver(adminMessage({ video: { file_id: "v1", file_unique_id: "v1", width: 640, height: 360, duration: 30 }, caption: "Запись занятия" }));
    expect(ok.map((c) => c.method)).toEqual(["copyMessage", "sendMessage"]);
    await h.send("/cancel");
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM broadcasts")).toEqual(before);
  });
});
