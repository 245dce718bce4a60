import { describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { BASE_TIME, addBookings } from "../helpers/fixtures";
import { buttonRows, type Harness } from "../helpers/harness";
import { expectScreen } from "../helpers/screens";

// 01.11.2026 12:00 in Moscow, the display zone: "today" for the start dates typed below.
const NOW = BASE_TIME;
const STUDENT: User = { id: 4242, is_bot: false, first_name: "Ира", language_code: "ru" };

const { database, h } = useBotFixture({
  course: false,
  clock: () => NOW,
  seed: async (database) => {
    await rawExec(
      database,
      `INSERT INTO courses (id, name, price_usd_cents, is_active, start_date_text) VALUES
         (1, 'Вайб кодинг', 15000, true, '1 декабря'), (2, 'Python <для> детей', NULL, false, NULL)`,
    );
    // Live bookings of the real system's 8th_stream (as the migrations list it: shared, closed).
    await addBookings(database.db, [
      { userId: 11, courseStream: "8th_stream", confirmed: 0 },
      { userId: 12, courseStream: "8th_stream", confirmed: 1 },
      { userId: 13, courseStream: "8th_stream", confirmed: 2 },
      { userId: 14, courseStream: "8th_stream", confirmed: 2 },
      { userId: 15, courseStream: "8th_stream", confirmed: -1 },
    ]);
  },
});

const texts = (calls: Awaited<ReturnType<Harness["send"]>>) => calls.filter((c) => c.payload.text !== undefined).map((c) => c.payload.text);
const answered = (calls: Awaited<ReturnType<Harness["send"]>>) => calls.find((c) => c.method === "answerCallbackQuery")?.payload;
const audit = () => rawQuery(database, "SELECT admin_id::int AS admin, admin_name AS name, action, target, details FROM admin_actions ORDER BY id");
const streamRow = (code: string) =>
  rawQuery(database, "SELECT code, title, course_id AS course, is_open AS open, starts_at AS starts FROM streams WHERE code = $1", [code]);
/** What a student's /start offers. */
async function offer(): Promise<string[][]> {
  const calls = await h.send("/start", STUDENT);
  return buttonRows(calls[0]!.payload.reply_markup);
}

const SHARED_STREAMS = [
  "🔒 <b>4-й поток</b> · <code>4th_stream</code> · без даты · ⚪ 0 · 🟡 0 · 🟢 0",
  "🔒 <b>5-й поток</b> · <code>5th_stream</code> · без даты · ⚪ 0 · 🟡 0 · 🟢 0",
  "🔒 <b>6-й поток</b> · <code>6th_stream</code> · без даты · ⚪ 0 · 🟡 0 · 🟢 0",
  "🔒 <b>7-й поток</b> · <code>7th_stream</code> · без даты · ⚪ 0 · 🟡 0 · 🟢 0",
  "🔒 <b>8-й поток</b> · <code>8th_stream</code> · без даты · ⚪ 1 · 🟡 1 · 🟢 2",
];

describe("/courses", () => {
  it("lists courses (price, active, start text) and their streams with live bookings per status", async () => {
    const calls = await h.send("/courses");
    expectScreen(calls, [
      "📚 <b>Курсы и потоки</b>",
      "",
      "<b>Вайб кодинг</b> · #1 · 🟢 активен",
      "Цена: $150.00",
      "Старт (текст курса): 1 декабря",
      "Потоков нет.",
      "",
      "<b>Python &lt;для&gt; детей</b> · #2 · ⏸ не активен",
      "Цена: —",
      "Потоков нет.",
      "",
      "<b>Общие потоки</b> — предлагаются с каждым активным курсом",
      "… и ещё 2",
      ...SHARED_STREAMS.slice(1),
      "🔒 <b>Менторинг</b> · <code>mentoring</code> · без даты · ⚪ 0 · 🟡 0 · 🟢 0",
      "",
      "🔓 запись открыта · 🔒 закрыта · ⚪ новые · 🟡 в ожидании · 🟢 подтверждённые заявки",
    ]);
    expect(buttonRows(calls[0]!.payload.reply_markup)).toEqual([["📚 Вайб кодинг"], ["📚 Python <для> детей"], ["🗂 Общие потоки"]]);
  });

  it("opens enrolment after one more press, audited, and students see the stream in /start at once", async () => {
    expect(await offer()).toEqual([["📋 Мои заявки"]]);
    await h.send("/courses");
    expectScreen(await h.press(h.lastSent(), "🗂 Общие потоки"), [
      "🗂 <b>Общие потоки</b> — предлагаются с каждым активным курсом",
      "",
      "🔒 <b>3-й поток</b> · <code>3rd_stream</code> · без даты · ⚪ 0 · 🟡 0 · 🟢 0",
      ...SHARED_STREAMS,
      "🔒 <b>Менторинг</b> · <code>mentoring</code> · без даты · ⚪ 0 · 🟡 0 · 🟢 0",
    ], [
      ["🔒 3-й поток"], ["🔒 4-й поток"], ["🔒 5-й поток"], ["🔒 6-й поток"], ["🔒 7-й поток"], ["🔒 8-й поток"], ["🔒 Менторинг"], ["↩ Все курсы"],
    ]);
    const stream = await h.press(h.lastSent(), "🔒 8-й поток");
    expectScreen(stream, ["🗓 <b>8-й поток</b> · <code>8th_stream</code>\nКурс: любой активный (общий поток)\nСтарт: не задан\nЗапись: 🔒 закрыта\nЗаявки: ⚪ 1 · 🟡 1 · 🟢 2"], [["🔓 Открыть запись"], ["📅 Дата старта", "✏️ Переименовать"], ["↩ К курсу"]]);

    const question = await h.press(h.lastSent(), "🔓 Открыть запись");
    expect(question[0]!.payload.text).toMatch(/Заявки: ⚪ 1 · 🟡 1 · 🟢 2\n\n❓ Открыть запись на «8-й поток»\? Поток появится у студентов в \/start\.$/);
    expect(buttonRows(question[0]!.payload.reply_markup)).toEqual([["🔓 Да, открыть", "↩ Назад"]]);
    expect(await audit()).toEqual([]);
    const asked = structuredClone(h.lastSent());

    const done = await h.press(h.lastSent(), "🔓 Да, открыть");
    expect(done[0]!.payload.text).toBe(
      "✅ Запись открыта: поток виден студентам в /start.\n\n🗓 <b>8-й поток</b> · <code>8th_stream</code>\nКурс: любой активный (общий поток)\nСтарт: не задан\nЗапись: 🔓 открыта\nЗаявки: ⚪ 1 · 🟡 1 · 🟢 2",
    );
    expect(answered(done)).toMatchObject({ text: "Готово" });
    expect(await offer()).toEqual([["Вайб кодинг · 8-й поток"], ["📋 Мои заявки"]]);

    // A double tap on the same "yes": nothing changes twice, one audit row.
    const yes = asked.reply_markup!.inline_keyboard[0]![0]! as { callback_data: string };
    const again = await h.pressData(asked, yes.callback_data);
    expect(again[0]!.payload.text).toMatch(/^ℹ️ Запись уже была открыта — ничего не изменилось\.\n\n/);
    expect(answered(again)).toMatchObject({ text: "Ничего не изменилось" });
    expect(await audit()).toEqual([{ admin: 1001, name: "Анна", action: "stream.open", target: "stream:8th_stream", details: { old: false, new: true } }]);
  });

  it("deactivating a course hides its streams from students; activating shows them again", async () => {
    await h.send("/courses");
    const course = await h.press(h.lastSent(), "📚 Вайб кодинг");
    expectScreen(course, [
      "📚 <b>Вайб кодинг</b> · #1 · 🟢 активен",
      "Статус: 🟢 активен — его открытые потоки видны студентам в /start",
      "Цена: $150.00",
      "Старт (текст курса): 1 декабря",
      "",
      "<b>Потоки</b>",
      "Потоков нет.",
    ]);
    expect(buttonRows(course[0]!.payload.reply_markup)).toEqual([["✏️ Переименовать", "⏸ Деактивировать"], ["➕ Новый поток"], ["↩ Все курсы"]]);
    const question = await h.press(h.lastSent(), "⏸ Деактивировать");
    expect(question[0]!.payload.text).toMatch(/\n\n❓ Деактивировать курс «Вайб кодинг»\? Его потоки пропадут из \/start; заявки остаются\.$/);
    const done = await h.press(h.lastSent(), "⏸ Да, деактивировать");
    expect(done[0]!.payload.text).toMatch(/^✅ Курс деактивирован\.\n\n📚 <b>Вайб кодинг<\/b> · #1 · ⏸ не активен\nСтатус: ⏸ не активен — студенты не видят его потоков\n/);
    expect(await offer()).toEqual([["📋 Мои заявки"]]);

    await h.press(h.lastSent(), "▶️ Активировать");
    await h.press(h.lastSent(), "▶️ Да, активировать");
    expect(await offer()).toEqual([["Вайб кодинг · 8-й поток"], ["📋 Мои заявки"]]);
    expect((await audit()).slice(1).map((a) => [a.action, a.target, a.details])).toEqual([
      ["course.deactivate", "course:1", { old: true, new: false }],
      ["course.activate", "course:1", { old: false, new: true }],
    ]);
  });

  it("adds the next stream: a taken or malformed code, an overlong title, bad dates are refused and change nothing", async () => {
    await h.send("/courses");
    await h.press(h.lastSent(), "📚 Вайб кодинг");
    const ask = await h.press(h.lastSent(), "➕ Новый поток");
    expect(ask[1]!.payload.text).toBe(
      "➕ Новый поток курса «Вайб кодинг».\nКод: предлагаю <code>9th_stream</code> — нажмите кнопку или пришлите свой (латиница, цифры, _ и -, до 50 символов). /cancel — отмена.",
    );
    expect(buttonRows(ask[1]!.payload.reply_markup)).toEqual([["✅ 9th_stream", "✖️ Отмена"]]);
    const codeQuestion = h.lastSent();
    expect(texts(await h.send("8th_stream"))).toEqual(["Код <code>8th_stream</code> уже занят. Пришлите ещё раз или /cancel."]);
    expect(texts(await h.send("9-й поток"))).toEqual(["Код — до 50 символов: латинские буквы, цифры, _ и -. Пришлите ещё раз или /cancel."]);
    expect(texts(await h.send("x".repeat(51)))).toEqual(["Код — до 50 символов: латинские буквы, цифры, _ и -. Пришлите ещё раз или /cancel."]);

    const title = await h.press(codeQuestion, "✅ 9th_stream");
    expect(title.map((c) => c.method)).toEqual(["answerCallbackQuery", "editMessageReplyMarkup", "sendMessage"]);
    expect(title[2]!.payload.text).toBe("Название: предлагаю «9-й поток» — нажмите кнопку или пришлите своё (до 50 символов).");
    const titleQuestion = h.lastSent();
    expect(texts(await h.send("Я".repeat(51)))).toEqual(["Название длиннее 50 символов (сейчас 51). Пришлите ещё раз или /cancel."]);

    expect(texts(await h.press(titleQuestion, "✅ 9-й поток"))).toEqual(["Дата старта: ДД.ММ.ГГГГ, например 15.01.2027 (можно со временем: 15.01.2027 19:00)."]);
    expect(texts(await h.send("завтра"))).toEqual(["Не понял дату: нужно ДД.ММ.ГГГГ, например 15.01.2027. Пришлите ещё раз или /cancel."]);
    expect(texts(await h.send("31.10.2026"))).toEqual(["Эта дата уже прошла: старт нельзя назначить в прошлое. Пришлите ещё раз или /cancel."]);
    expect(texts(await h.send("01.11.2026 11:00"))).toEqual(["Эта дата уже прошла: старт нельзя назначить в прошлое. Пришлите ещё раз или /cancel."]);
    expect(texts(await h.send("30.02.2027"))).toEqual(["Такой даты нет в календаре. Пришлите ещё раз или /cancel."]);
    expect(texts(await h.send("15.01.2207"))).toEqual(["Дата дальше чем через 5 лет — проверьте год. Пришлите ещё раз или /cancel."]);

    const confirm = await h.send("15.01.2027 19:00");
    expectScreen(confirm, ["Добавить поток <code>9th_stream</code> «9-й поток» к курсу «Вайб кодинг», старт 15.01.2027 19:00?"], [["🔓 Добавить и открыть запись"], ["🔒 Добавить, запись закрыта"], ["✖️ Отмена"]]);
    expect(await streamRow("9th_stream")).toEqual([]);

    const added = await h.press(h.lastSent(), "🔒 Добавить, запись закрыта");
    expect(added[2]!.payload.text).toBe(
      "✅ Поток добавлен. Запись закрыта — откройте, когда будете готовы.\n\n🗓 <b>9-й поток</b> · <code>9th_stream</code>\nКурс: Вайб кодинг\nСтарт: 15.01.2027 19:00\nЗапись: 🔒 закрыта\nЗаявки: ⚪ 0 · 🟡 0 · 🟢 0",
    );
    expect(buttonRows(added[2]!.payload.reply_markup)).toEqual([["🔓 Открыть запись"], ["📅 Дата старта", "✏️ Переименовать"], ["↩ К курсу"]]);
    expect(await streamRow("9th_stream")).toEqual([{ code: "9th_stream", title: "9-й поток", course: 1, open: false, starts: new Date("2027-01-15T16:00:00Z") }]);
    expect((await audit()).at(-1)).toEqual({
      admin: 1001,
      name: "Анна",
      action: "stream.create",
      target: "stream:9th_stream",
      details: { old: null, new: { code: "9th_stream", title: "9-й поток", courseId: 1, startsAt: "2027-01-15T16:00:00.000Z", isOpen: false } },
    });
    // Closed: not offered yet; opened from its screen, it is.
    expect(await offer()).toEqual([["Вайб кодинг · 8-й поток"], ["📋 Мои заявки"]]);
    await h.press(h.lastSent(), "🔓 Открыть запись");
    await h.press(h.lastSent(), "🔓 Да, открыть");
    // Dated streams first, by date (listOpenStreams).
    expect(await offer()).toEqual([["Вайб кодинг · 9-й поток · старт 15.01"], ["Вайб кодинг · 8-й поток"], ["📋 Мои заявки"]]);
  });

  it("a typed code that is free is taken as it is, with no title suggested", async () => {
    await h.send("/courses");
    await h.press(h.lastSent(), "📚 Вайб кодинг");
    await h.press(h.lastSent(), "➕ Новый поток");
    const title = await h.send("intensive-2027");
    expectScreen(title, ["Пришлите название потока (до 50 символов)."], [["✖️ Отмена"]]);
    await h.send("Интенсив <2027>");
    const confirm = await h.send("01.11.2026");
    expect(confirm[0]!.payload.text).toBe("Добавить поток <code>intensive-2027</code> «Интенсив &lt;2027&gt;» к курсу «Вайб кодинг», старт 01.11.2026 00:00?");
    // Someone (another admin) adds the same code meanwhile: nothing is added twice.
    await rawExec(database, "INSERT INTO streams (code, title) VALUES ('intensive-2027', 'другой')");
    const taken = await h.press(h.lastSent(), "🔓 Добавить и открыть запись");
    expect(texts(taken)).toEqual(["Код <code>intensive-2027</code> только что занял кто-то другой — ничего не добавлено. /courses"]);
    expect(await streamRow("intensive-2027")).toEqual([{ code: "intensive-2027", title: "другой", course: null, open: false, starts: null }]);
    expect((await audit()).filter((a) => a.target === "stream:intensive-2027")).toEqual([]);
  });

  it("renames a course and a stream and moves a start date (keeping its time), each after one more press", async () => {
    await h.send("/courses");
    await h.press(h.lastSent(), "📚 Вайб кодинг");
    const screen = h.lastSent();
    const ask = await h.press(screen, "✏️ Переименовать");
    expect(ask[1]!.payload.text).toBe("Пришлите новое название курса «Вайб кодинг» (до 100 символов). /cancel — отмена.");
    expect(texts(await h.send("К".repeat(101)))).toEqual(["Название длиннее 100 символов (сейчас 101). Пришлите ещё раз или /cancel."]);
    const question = await h.send("  Вайб-кодинг <PRO>  ");
    expect(question[0]!.payload.text).toBe("Переименовать курс «Вайб кодинг» в «Вайб-кодинг &lt;PRO&gt;»?");
    expect(buttonRows(question[0]!.payload.reply_markup)).toEqual([["✅ Да, переименовать", "✖️ Не менять"]]);
    expect(texts(await h.press(h.lastSent(), "✖️ Не менять"))).toEqual(["Ничего не изменено."]);
    expect(await rawQuery(database, "SELECT name FROM courses WHERE id = 1")).toEqual([{ name: "Вайб кодинг" }]);

    await h.press(screen, "✏️ Переименовать");
    await h.send("Вайб-кодинг <PRO>");
    const renamed = await h.press(h.lastSent(), "✅ Да, переименовать");
    expect(renamed[2]!.payload.text).toMatch(/^✅ Переименовано: «Вайб кодинг» → «Вайб-кодинг &lt;PRO&gt;»\.\n\n📚 <b>Вайб-кодинг &lt;PRO&gt;<\/b> · #1/);
    expect(await offer()).toEqual([["Вайб-кодинг <PRO> · 9-й поток · старт 15.01"], ["Вайб-кодинг <PRO> · 8-й поток"], ["📋 Мои заявки"]]);

    await h.press(h.lastSent(), "🔓 9-й поток");
    await h.press(h.lastSent(), "✏️ Переименовать");
    await h.send("9-й поток (зима)");
    const streamRenamed = await h.press(h.lastSent(), "✅ Да, переименовать");
    expect(streamRenamed[2]!.payload.text).toMatch(/^✅ Переименовано: «9-й поток» → «9-й поток \(зима\)»\.\n\n🗓 <b>9-й поток \(зима\)<\/b>/);

    const dateAsk = await h.press(h.lastSent(), "📅 Дата старта");
    expect(dateAsk[1]!.payload.text).toBe(
      "Пришлите дату старта потока «9-й поток (зима)»: ДД.ММ.ГГГГ, например 15.01.2027 (можно со временем: 15.01.2027 19:00). Сейчас: 15.01.2027 19:00. /cancel — отмена.",
    );
    expect(texts(await h.send("20.01.2027"))).toEqual(["Поставить потоку «9-й поток (зима)» старт 20.01.2027 19:00 (было: 15.01.2027 19:00)?"]);
    const dated = await h.press(h.lastSent(), "✅ Да, поставить");
    expect(dated[2]!.payload.text).toMatch(/^✅ Старт потока: 20\.01\.2027 19:00\.\n\n🗓 .*\nКурс: Вайб-кодинг &lt;PRO&gt;\nСтарт: 20\.01\.2027 19:00\n/);
    expect((await streamRow("9th_stream"))[0]!.starts).toEqual(new Date("2027-01-20T16:00:00Z"));
    expect((await audit()).slice(-3).map((a) => [a.action, a.target, a.details])).toEqual([
      ["course.rename", "course:1", { old: "Вайб кодинг", new: "Вайб-кодинг <PRO>" }],
      ["stream.rename", "stream:9th_stream", { old: "9-й поток", new: "9-й поток (зима)" }],
      ["stream.start_date", "stream:9th_stream", { old: "2027-01-15T16:00:00.000Z", new: "2027-01-20T16:00:00.000Z" }],
    ]);
  });

  it("/cancel leaves a conversation with nothing changed; forged and outdated buttons change nothing", async () => {
    const before = await audit();
    await h.send("/courses");
    await h.press(h.lastSent(), "📚 Вайб-кодинг <PRO>");
    await h.press(h.lastSent(), "➕ Новый поток");
    expect(texts(await h.send("/cancel"))).toEqual(["Отменено."]);
    expect(texts(await h.send("10th_stream"))).toEqual(["Не понял. Что я умею — /help"]);

    const message = h.lastSent();
    for (const data of ["cs:", "cs:c:01", "cs:e:0", "cs:s:a b", "cs:z:y", "cs:z:k", "cs:O:9th_stream:x"]) {
      expect(answered(await h.pressData(message, data)), data).toMatchObject({ text: "Эта кнопка устарела. Откройте заново: /courses" });
    }
    expect(answered(await h.pressData(message, "cs:O:nope"))).toMatchObject({ text: "Такого потока больше нет. Откройте заново: /courses", show_alert: true });
    expect(answered(await h.pressData(message, "cs:c:99"))).toMatchObject({ text: "Такого курса больше нет. Откройте заново: /courses", show_alert: true });
    // A rename of a course deleted meanwhile: the conversation says so and ends.
    expect(texts(await h.pressData(message, "cs:r:99"))).toEqual(["Такого курса больше нет. Откройте заново: /courses"]);
    expect(texts(await h.send("Новое имя"))).toEqual(["Не понял. Что я умею — /help"]);
    expect(await audit()).toEqual(before);
  });

  it("students get a refusal for /courses, /coupons and their buttons", async () => {
    for (const command of ["/courses", "/coupons"]) expect(texts(await h.send(command, STUDENT))).toEqual(["⛔ Эта команда только для администраторов."]);
    for (const data of ["cs:O:8th_stream", "cp:+"]) {
      expect(answered(await h.pressData(h.lastSent(STUDENT.id), data, STUDENT))).toMatchObject({ text: "⛔ Нет доступа" });
    }
    expect((await streamRow("8th_stream"))[0]!.open).toBe(true);
  });
});
