import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { runMigrations } from "../../src/db/migrate";
import { countAudience } from "../../src/db/queries/audiences";
import { iterateRegistrations } from "../../src/db/queries/workshops";
import { useBotFixture } from "../helpers/bot-fixture";
import { createTestDatabase, rawExec, rawQuery, type TestDatabase } from "../helpers/db";
import { buttonRows, createHarness, type Harness } from "../helpers/harness";
import { REAL_BOT_SETUP, REAL_SCHEMA, realSystem } from "../helpers/real-system";
import { ADMIN, STRANGER } from "../helpers/updates";
import { expectScreen } from "../helpers/screens";

/**
 * /workshops on the real system's schema, with registrations written by the real bot's own
 * upsert (times then set, so the texts are exact): the lessons, a lesson's pages both ways, CSV,
 * undated lessons, HTML in names, forged and stale buttons, students, English.
 */
const ENGLISH_ADMIN: User = { id: 1003, is_bot: false, first_name: "Emma", language_code: "en" };
const TODAY = new Date("2025-12-07T12:00:00Z");

type Calls = Awaited<ReturnType<Harness["send"]>>;
const documentOf = (calls: Calls) => {
  const doc = calls.find((c) => c.method === "sendDocument")!;
  const file = doc.payload.document as { filename: string; bytes: Buffer };
  return { caption: doc.payload.caption, filename: file.filename, text: file.bytes.toString("utf8") };
};

let database: TestDatabase;
let h: Harness;
let real: ReturnType<typeof realSystem>;

/** A registration by the real bot's statement, then dated (null: a row from before it kept times). */
async function register(userId: number, firstName: string | null, username: string | null, email: string, lessonType: string, lessonDate: string | null, at: string | null) {
  const id = await real.registerForLesson({ userId, username, firstName, email, lessonType, lessonDate });
  await rawQuery(database, "UPDATE free_lesson_registrations SET registered_at = $2 WHERE id = $1", [id, at]);
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  await rawExec(database, REAL_SCHEMA);
  await runMigrations(database);
  await rawExec(database, REAL_BOT_SETUP);
  real = realSystem(database.pool);
  // Lesson A, ids 1–7: a tie (s5, s4) across the first page boundary, microseconds (s2, s1) across the second.
  const times = ["2025-11-02 10:00:00.000001", "2025-11-02 10:00:00.000002", "2025-11-03 10:00", "2025-11-04 10:00", "2025-11-04 10:00", "2025-11-05 10:00", "2025-11-06 10:00"];
  for (const [i, at] of times.entries()) await register(5001 + i, `Студент ${i + 1}`, `s${i + 1}`, `s${i + 1}@example.com`, "vibecoding_lesson", "2025-12-10", `${at}+00`);
  await register(5008, "<b>Bob</b> & Co", "bob", "bob<x>@example.com", "claude_code_lesson", "2025-12-03", "2025-11-01 09:00+00");
  const formula = await register(5009, '=HYPERLINK("x")', null, "ann;x@example.com", "cursor_lesson", null, "2025-10-25 09:00+00");
  await real.markLessonNotified(formula);
  await register(5010, "Ира", "ira", "ira@example.com", "cursor_lesson", null, null);
  await register(5011, "Лев", "lev", "lev@example.com", "masterclass_<x>", "2025-11-20", "2025-10-15 09:00+00");
  h = await createHarness(database.db, { ADMIN_IDS: `${ADMIN.id},${ENGLISH_ADMIN.id}`, PAGE_SIZE: "3" }, { clock: () => TODAY });
});
afterAll(async () => {
  await h?.close();
  await database?.dispose();
});

const LESSONS = [
  "🎓 <b>Бесплатные уроки</b> · 4 урока · 11 регистраций",
  "",
  "📅 10.12.2025 · Магия вайбкодинга — 7 регистраций",
  "📅 03.12.2025 · Воркшоп по Claude Code — 1 регистрация",
  "📅 20.11.2025 · <code>masterclass_&lt;x&gt;</code> — 1 регистрация",
  "📅 без даты · Воркшоп по Cursor — 2 регистрации",
].join("\n");
const student = (n: number, when: string) => `Студент ${n} · @s${n} · <code>s${n}@example.com</code> · ${when}`;
const lessonA = (position: string, ...lines: string[]) => ["🎓 <b>Магия вайбкодинга</b> · 📅 10.12.2025", position, "", ...lines].join("\n");
const PAGE_1 = lessonA("7 регистраций · 1–3", student(7, "06.11.2025 13:00"), student(6, "05.11.2025 13:00"), student(5, "04.11.2025 13:00"));
const PAGE_2 = lessonA("7 регистраций · 4–6", student(4, "04.11.2025 13:00"), student(3, "03.11.2025 13:00"), student(2, "02.11.2025 13:00"));
const PAGE_3 = lessonA("7 регистраций · 7–7", student(1, "02.11.2025 13:00"));

describe("/workshops", () => {
  it("lists the lessons newest date first, undated last, each with its count and a button", async () => {
    const calls = await h.send("/workshops");
    expect(calls.map((c) => c.method)).toEqual(["sendMessage"]);
    expectScreen(calls, [LESSONS], [
      ["10.12.2025 · Магия вайбкодинга (7)"],
      ["03.12.2025 · Воркшоп по Claude Code (1)"],
      ["20.11.2025 · masterclass_<x> (1)"],
      ["без даты · Воркшоп по Cursor (2)"],
      ["⬇️ CSV: все записи"],
    ]);
  });

  it("opens a lesson and pages both ways in place, across a tie and a microsecond, and back to the lessons", async () => {
    await h.send("/workshops");
    const message = h.lastSent();
    const first = await h.press(message, "10.12.2025 · Магия вайбкодинга (7)");
    expect(first.map((c) => c.method)).toEqual(["editMessageText", "answerCallbackQuery"]);
    expectScreen(first, [PAGE_1], [["Старше ▶"], ["📣 Написать им", "⬇️ CSV", "↩ К урокам"]]);

    const second = await h.press(message, "Старше ▶");
    expectScreen(second, [PAGE_2], [["◀ Новее", "Старше ▶"], ["📣 Написать им", "⬇️ CSV", "↩ К урокам"]]);
    const third = await h.press(message, "Старше ▶");
    expectScreen(third, [PAGE_3], [["◀ Новее"], ["📣 Написать им", "⬇️ CSV", "↩ К урокам"]]);
    expect((await h.press(message, "◀ Новее"))[0]!.payload.text).toBe(PAGE_2);
    expect((await h.press(message, "◀ Новее"))[0]!.payload.text).toBe(PAGE_1);

    const back = await h.press(message, "↩ К урокам");
    expect(back[0]!.payload.text).toBe(LESSONS);
  });

  it("escapes HTML in names and emails", async () => {
    await h.send("/workshops");
    const page = await h.press(h.lastSent(), "03.12.2025 · Воркшоп по Claude Code (1)");
    expect(page[0]!.payload.text).toBe(
      ["🎓 <b>Воркшоп по Claude Code</b> · 📅 03.12.2025", "1 регистрация · 1–1", "", "&lt;b&gt;Bob&lt;/b&gt; &amp; Co · @bob · <code>bob&lt;x&gt;@example.com</code> · 01.11.2025 12:00"].join("\n"),
    );
    await h.send("/workshops");
    const unknown = await h.press(h.lastSent(), "20.11.2025 · masterclass_<x> (1)");
    expect(unknown[0]!.payload.text!.split("\n")[0]).toBe("🎓 <b><code>masterclass_&lt;x&gt;</code></b> · 📅 20.11.2025");
  });

  it("an undated lesson: said plainly, a registration without a time last; its CSV byte for byte", async () => {
    await h.send("/workshops");
    const message = h.lastSent();
    expectScreen(await h.press(message, "без даты · Воркшоп по Cursor (2)"), [
      "🎓 <b>Воркшоп по Cursor</b> · 📅 без даты",
      "2 регистрации · 1–2",
      "",
      '=HYPERLINK("x") · без @username · <code>ann;x@example.com</code> · 25.10.2025 12:00',
      "Ира · @ira · <code>ira@example.com</code> · время не записано",
    ]);
    const csv = await h.press(message, "⬇️ CSV");
    expect(csv.map((c) => c.method)).toEqual(["sendChatAction", "sendDocument", "answerCallbackQuery"]);
    expect(documentOf(csv)).toEqual({
      caption: "Записи на бесплатный урок · Воркшоп по Cursor · без даты · 2 регистрации",
      filename: "workshops-cursor_lesson-undated-2025-12-07.csv",
      text:
        "\uFEFFid;user_id;username;first_name;email;lesson_type;lesson;lesson_date;registered_at;registered_local;notification_sent\r\n" +
        "9;5009;;\"'=HYPERLINK(\"\"x\"\")\";\"ann;x@example.com\";cursor_lesson;Воркшоп по Cursor;;2025-10-25T09:00:00.000Z;25.10.2025 12:00;true\r\n" +
        "10;5010;ira;Ира;ira@example.com;cursor_lesson;Воркшоп по Cursor;;;;false\r\n",
    });
  });

  it("exports every registration, newest first, from the lessons screen", async () => {
    await h.send("/workshops");
    const csv = documentOf(await h.press(h.lastSent(), "⬇️ CSV: все записи"));
    expect(csv.caption).toBe("Записи на бесплатные уроки · все уроки · 11 регистраций");
    expect(csv.filename).toBe("workshops-all-2025-12-07.csv");
    const lines = csv.text.trimEnd().split("\r\n");
    expect(lines.slice(1).map((l) => Number(l.split(";")[0]))).toEqual([7, 6, 5, 4, 3, 2, 1, 8, 9, 11, 10]);
    expect(lines[1]).toBe("7;5007;s7;Студент 7;s7@example.com;vibecoding_lesson;Магия вайбкодинга;2025-12-10;2025-11-06T10:00:00.000Z;06.11.2025 13:00;false");
  });

  it("forged buttons get the short notice and change nothing", async () => {
    await h.send("/workshops");
    const message = h.lastSent();
    // Not a lesson's first registration, past the serial range, unknown ops, padded ids.
    for (const data of ["w:g:2", "w:f:2", "w:b:2", "w:o:2:1", "w:g:zik0zk", "w:g:0", "w:g:01", "w:x", "w:h:", "w:n:1", "w:g:zzzzzzz"]) {
      const calls = await h.pressData(message, data);
      expect(calls, data).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "Эта кнопка устарела. Откройте заново: /workshops" }) }]);
    }
  });

  it("is refused to students, commands and buttons alike", async () => {
    expect((await h.send("/workshops", STRANGER)).map((c) => c.payload.text)).toEqual(["⛔ Эта команда только для администраторов."]);
    await h.send("/workshops");
    const calls = await h.pressData(h.lastSent(), "w:g:1", STRANGER);
    expect(calls).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "⛔ Нет доступа" }) }]);
  });

  it("speaks English to an English admin", async () => {
    const calls = await h.send("/workshops", ENGLISH_ADMIN);
    expectScreen(calls, [
      "🎓 <b>Free lessons</b> · 4 lessons · 11 registrations",
      "",
      "📅 10.12.2025 · Vibe coding magic — 7 registrations",
      "📅 03.12.2025 · Claude Code workshop — 1 registration",
      "📅 20.11.2025 · <code>masterclass_&lt;x&gt;</code> — 1 registration",
      "📅 no date · Cursor workshop — 2 registrations",
    ]);
    expect(buttonRows(calls[0]!.payload.reply_markup).at(-1)).toEqual(["⬇️ CSV: all registrations"]);
    const page = await h.press(h.lastSent(ENGLISH_ADMIN.id), "03.12.2025 · Claude Code workshop (1)", ENGLISH_ADMIN);
    expect(page[0]!.payload.text!.split("\n").slice(0, 2)).toEqual(["🎓 <b>Claude Code workshop</b> · 📅 03.12.2025", "1 registration · 1–1"]);
    expect(buttonRows(page[0]!.payload.reply_markup)).toEqual([["📣 Message them", "⬇️ CSV", "↩ Lessons"]]);
  });

  it("📣 on a lesson starts /broadcast to its registrants (an undated lesson too): the same steps from what to send, recorded as the lesson's group", async () => {
    await h.send("/workshops");
    await h.press(h.lastSent(), "без даты · Воркшоп по Cursor (2)");
    const chosen = await h.press(h.lastSent(), "📣 Написать им");
    expect(chosen.filter((c) => c.method === "sendMessage").map((c) => c.payload.text)).toEqual([
      "📨 Рассылка: участники урока «Воркшоп по Cursor» · без даты. Получателей: 2.",
      "Пришлите сообщение для рассылки — так, как его увидят студенты: текст (оформление Telegram сохранится), фото, видео или документ с подписью. /cancel — отмена.",
    ]);
    const preview = await h.send("Урок завтра в 19:00");
    expect(preview.map((c) => c.method)).toEqual(["copyMessage", "sendMessage"]);
    expect(preview[1]!.payload.text).toBe("☝️ Так сообщение увидят студенты.\nКому: участники урока «Воркшоп по Cursor» · без даты — 2\nКогда: сразу после подтверждения");
    await h.press(h.lastSent(), "📨 Отправить 2");
    expect(await rawQuery(database, "SELECT message_text, recipient_type, recipient_group, total_recipients FROM message_history")).toEqual([
      { message_text: "Урок завтра в 19:00", recipient_type: "group", recipient_group: "lesson:cursor_lesson:", total_recipients: 2 },
    ]);
    expect(await rawQuery(database, "SELECT user_id::int AS id FROM message_recipients ORDER BY user_id")).toEqual([{ id: 5009 }, { id: 5010 }]);
  });

  it("a lesson's first registration gone (a clean-up by hand): its old button says so and changes nothing", async () => {
    await h.send("/workshops");
    const message = h.lastSent();
    await rawExec(database, "DELETE FROM free_lesson_registrations WHERE id = 11");
    const calls = await h.press(message, "20.11.2025 · masterclass_<x> (1)");
    expect(calls).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "Эта кнопка устарела. Откройте заново: /workshops" }) }]);
    expect((await h.send("/workshops"))[0]!.payload.text!.split("\n")[0]).toBe("🎓 <b>Бесплатные уроки</b> · 3 урока · 10 регистраций");
  });

  it("a student who registers again moves to the top, and paging on neither skips nor repeats anyone", async () => {
    await h.send("/workshops");
    const message = h.lastSent();
    await h.press(message, "10.12.2025 · Магия вайбкодинга (7)");
    expect((await h.press(message, "Старше ▶"))[0]!.payload.text).toBe(PAGE_2);
    // Student 5 (on the first page) registers again: the real bot's upsert dates the row now.
    await real.registerForLesson({ userId: 5005, username: "s5", firstName: "Студент 5", email: "s5@new.example", lessonType: "vibecoding_lesson", lessonDate: "2025-12-10" });
    expect((await h.press(message, "Старше ▶"))[0]!.payload.text).toBe(PAGE_3);
    expect((await h.press(message, "◀ Новее"))[0]!.payload.text).toBe(PAGE_2);
    const top = (await h.press(message, "◀ Новее"))[0]!.payload.text!.split("\n");
    expect(top.slice(1, 4)).toEqual(["7 регистраций · 1–3", "", expect.stringMatching(/^Студент 5 · @s5 · <code>s5@new\.example<\/code> · \d\d\.\d\d\.\d{4} \d\d:\d\d$/)]);
    expect(top.slice(4)).toEqual([student(7, "06.11.2025 13:00"), student(6, "05.11.2025 13:00")]);
  });
});

describe("the registrations as queries", () => {
  it("walks every registration in keyset batches, newest first, each once", async () => {
    const ids: number[] = [];
    for await (const batch of iterateRegistrations(database.db, undefined, 2)) ids.push(...batch.map((r) => r.id));
    expect(ids).toEqual([5, 7, 6, 4, 3, 2, 1, 8, 9, 10]);
  });

  it("a lesson's registrants as a broadcast audience: each student once, blocked_users left out and counted", async () => {
    await real.blockUser(5002);
    const lesson = (lessonType: string, lessonDate: string | null) => ({ kind: "lesson" as const, lessonType, lessonDate });
    expect(await countAudience(database.db, lesson("vibecoding_lesson", "2025-12-10"))).toEqual({ recipients: 6, unreachable: 1 });
    expect(await countAudience(database.db, lesson("cursor_lesson", null))).toEqual({ recipients: 2, unreachable: 0 });
    expect(await countAudience(database.db, lesson("cursor_lesson", "2025-12-10"))).toEqual({ recipients: 0, unreachable: 0 });
  });
});

// Our migrations alone (no real bot ever ran here): the table is created as theirs.
describe("/workshops on a database the real bot never saw", () => {
  const fixture = useBotFixture({ env: { PAGE_SIZE: "50" } });

  it("an empty table is one clear line; the real bot's upsert then works on the table 0009 made", async () => {
    const calls = await fixture.h.send("/workshops");
    expect(calls).toEqual([{ method: "sendMessage", payload: expect.objectContaining({ text: "🎓 На бесплатные уроки пока никто не записался." }) }]);
    expect(calls[0]!.payload.reply_markup).toBeUndefined();
    const bot = realSystem(fixture.database.pool);
    const lesson = { userId: 1, username: "a", firstName: "A", email: "a@example.com", lessonType: "cursor_lesson", lessonDate: "2025-12-01" };
    const id = await bot.registerForLesson(lesson);
    expect(await bot.registerForLesson({ ...lesson, email: "b@example.com" })).toBe(id);
    expect(await rawQuery(fixture.database, "SELECT email, notification_sent, registered_at IS NOT NULL AS dated FROM free_lesson_registrations")).toEqual([
      { email: "b@example.com", notification_sent: false, dated: true },
    ]);
  });

  it("keeps every page under 4096 characters however long the stored strings, and pages through them all", async () => {
    const { database: db, h: bot } = fixture;
    await rawExec(
      db,
      `INSERT INTO free_lesson_registrations (user_id, username, first_name, email, lesson_type, lesson_date, registered_at)
       SELECT 100 + g, repeat('&', 40), repeat('<', 200), repeat('&', 300) || g, 'long_lesson', '2025-12-02', '2025-11-01 00:00+00'::timestamptz + g * interval '1 minute'
       FROM generate_series(1, 30) g`,
    );
    await bot.send("/workshops");
    const message = bot.lastSent();
    let calls = await bot.press(message, "02.12.2025 · long_lesson (30)");
    const seen: string[] = [];
    for (;;) {
      const text = calls[0]!.payload.text!;
      expect(text.length).toBeLessThanOrEqual(4096);
      seen.push(...text.split("\n").slice(3));
      if (!buttonRows(calls[0]!.payload.reply_markup)[0]!.includes("Старше ▶")) break;
      calls = await bot.press(message, "Старше ▶");
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect(seen[0]).toMatch(/…<\/code> · 01\.11\.2025 03:30$/);
  });
});
