import { describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawQuery } from "../helpers/db";
import { addBookings, addUser } from "../helpers/fixtures";
import { buttonRows } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";
import { expectScreen } from "../helpers/screens";

// `/user <name>`: the students whose names hold every word, from `users` (people who only
// pressed /start too) and from `bookings` for students `users` lacks; best first.
const VERA = 5101; // Вера Иванова @vera_iv: pressed /start on 01.11 and booked twice
const VERA_P = 5102; // ВЕРА Петрова, no username, only pressed /start on 20.10
const NIKA = 5103; // Вероника Иванова
const LEGACY_VERA = 5104; // "Вера" @legacy_vera in bookings only, 01.09
const IVA = 5110; // Ира @iva: the exact username
const IVAN = 5111; // Иван @ivan_petrov: a username prefix, seen 05.10
const IVANKA = 5112; // Ivanka, no username: a first-name prefix, seen 25.10
const DIVA = 5113; // Дима @diva_x: "iva" inside
const LI_PERCENT = 5120; // Ли%на
const LINA = 5121; // Лина
const KO_T = 5122; // @ko_t
const KOST = 5123; // @kost
const BIG = Number.MAX_SAFE_INTEGER; // Тестов with the largest id there is
const ENGLISH_ADMIN: User = { id: 1003, is_bot: false, first_name: "Emma", language_code: "en" };

const at = (date: string) => new Date(`${date}T09:00:00Z`);

const { h, database } = useBotFixture({
  env: { ADMIN_IDS: `${ADMIN.id},${ENGLISH_ADMIN.id}` },
  seed: async ({ db }) => {
    const user = (userId: number, firstName: string, lastName: string | null, username: string | null, seen: string) =>
      addUser(db, { userId, firstName, lastName, username, firstSeenAt: at("2026-09-01"), updatedAt: at(seen) });
    await user(VERA, "Вера", "Иванова", "vera_iv", "2026-11-01");
    await user(VERA_P, "ВЕРА", "Петрова", null, "2026-10-20");
    await user(NIKA, "Вероника", "Иванова", "nika", "2026-09-15");
    await user(IVA, "Ира", null, "iva", "2026-08-01");
    await user(IVAN, "Иван", null, "ivan_petrov", "2026-10-05");
    await user(IVANKA, "Ivanka", null, null, "2026-10-25");
    await user(DIVA, "Дима", null, "diva_x", "2026-10-30");
    await user(LI_PERCENT, "Ли%на", null, null, "2026-10-01");
    await user(LINA, "Лина", null, null, "2026-10-01");
    await user(KO_T, "Костя", null, "ko_t", "2026-10-01");
    await user(KOST, "Костя", null, "kost", "2026-10-02");
    await user(BIG, "Тестов", null, "big_one", "2026-10-01");
    for (let i = 0; i < 22; i++) await user(6000 + i, "Тест", `Номер ${i}`, null, "2026-09-01");
    await addBookings(db, [
      { userId: VERA, username: "vera_iv", firstName: "Вера", confirmed: 2 },
      { userId: VERA, username: "vera_iv", firstName: "Вера", confirmed: 1 },
      { userId: LEGACY_VERA, username: "legacy_vera", firstName: "Вера", confirmed: -1, createdAt: at("2026-09-01") },
      { userId: NIKA, username: "nika", firstName: "Вероника", confirmed: 0, createdAt: at("2026-09-10") },
    ]);
  },
});

const header = (calls: Awaited<ReturnType<typeof h.send>>) => String(calls[0]!.payload.text).split("\n")[0];
const ids = (calls: Awaited<ReturnType<typeof h.send>>) => [...String(calls[0]!.payload.text).matchAll(/id <code>(\d+)<\/code>/g)].map((m) => Number(m[1]));

describe("/user <name>", () => {
  it("lists the matches best first, each with its bookings per status and a button", async () => {
    const calls = await h.send("/user вера");
    expect(calls.map((c) => c.method)).toEqual(["sendMessage"]);
    expectScreen(calls, [
      "🔎 «вера» — 3 студента:",
      "",
      `1. <b>Вера Иванова</b> · @vera_iv · id <code>${VERA}</code>\nЗаявок: 2 — ⚪ 0 · 🟡 1 · 🟢 1 · 🔴 0`,
      "",
      `2. <b>ВЕРА Петрова</b> · без @username · id <code>${VERA_P}</code>\nЗаявок нет`,
      "",
      `3. <b>Вера</b> · @legacy_vera · id <code>${LEGACY_VERA}</code>\nЗаявок: 1 — ⚪ 0 · 🟡 0 · 🟢 0 · 🔴 1`,
    ]);
    expect(calls[0]!.payload.parse_mode).toBe("HTML");
    expect(buttonRows(calls[0]!.payload.reply_markup)).toEqual([["1. Вера Иванова · @vera_iv"], ["2. ВЕРА Петрова"], ["3. Вера · @legacy_vera"]]);
  });

  it("ignores case, Cyrillic and Latin alike", async () => {
    for (const query of ["ВЕРА", "Вера", "вЕрА"]) expect(ids(await h.send(`/user ${query}`))).toEqual([VERA, VERA_P, LEGACY_VERA]);
    for (const query of ["IVA", "Iva"]) expect(ids(await h.send(`/user ${query}`))).toEqual([IVA, IVANKA, IVAN, DIVA]);
  });

  it("needs every word, in any field and any order", async () => {
    expect(ids(await h.send("/user вер иванов"))).toEqual([VERA, NIKA]);
    for (const query of ["вера иванова", "ИВАНОВА вера", "вера, иванова"]) {
      const calls = await h.send(`/user ${query}`);
      expect(header(calls)).toBe(`👤 <b>Вера Иванова</b> · @vera_iv · id <code>${VERA}</code>`);
    }
  });

  it("ranks the exact username first, then names that start with the words, then the rest; the most recently active first among equals", async () => {
    const calls = await h.send("/user iva");
    expect(ids(calls)).toEqual([IVA, IVANKA, IVAN, DIVA]);
    expect(buttonRows(calls[0]!.payload.reply_markup)).toEqual([["1. Ира · @iva"], ["2. Ivanka"], ["3. Иван · @ivan_petrov"], ["4. Дима · @diva_x"]]);
  });

  it("finds a part of a @username, typed with or without @", async () => {
    expect(header(await h.send("/user ivan_p"))).toBe(`👤 <b>Иван</b> · @ivan_petrov · id <code>${IVAN}</code>`);
    expect(header(await h.send("/user @ivan_p"))).toBe(`👤 <b>Иван</b> · @ivan_petrov · id <code>${IVAN}</code>`);
    // An exact @username opens its student even where the name search would find more.
    expect(header(await h.send("/user @iva"))).toBe(`👤 <b>Ира</b> · @iva · id <code>${IVA}</code>`);
  });

  it("opens a single match at once, a person who only pressed /start too", async () => {
    const calls = await h.send("/user петрова");
    expect(calls.map((c) => c.method)).toEqual(["sendMessage"]);
    expectScreen(calls, [
      `👤 <b>ВЕРА Петрова</b> · без @username · id <code>${VERA_P}</code>`,
      "Впервые в боте: 01.09.2026 12:00",
      "Заявок: 0 — ⚪ 0 · 🟡 0 · 🟢 0 · 🔴 0",
      "Фильтр: <b>Все</b>",
      "",
      "Заявок пока нет.",
    ]);
  });

  it("takes % and _ literally", async () => {
    expect(header(await h.send("/user и%н"))).toBe(`👤 <b>Ли%на</b> · без @username · id <code>${LI_PERCENT}</code>`);
    expect(header(await h.send("/user o_t"))).toBe(`👤 <b>Костя</b> · @ko_t · id <code>${KO_T}</code>`);
    expect(ids(await h.send("/user кост"))).toEqual([KOST, KO_T]);
  });

  it("says so in one line when nobody matches or the text is no search", async () => {
    expect((await h.send("/user Зинаида Петровна"))[0]!.payload.text).toBe("Никого не нашлось по запросу «Зинаида Петровна».");
    expect((await h.send("/user @nobody_here"))[0]!.payload.text).toBe("Нет заявок для @nobody_here.");
    const usage = "Укажите id студента, @username или имя, например: /user 123456789, /user @ivan_petrov или /user Иван Петров";
    for (const text of ["/user %", "/user _", "/user % _ - !", "/user \\"]) expect((await h.send(text))[0]!.payload.text).toBe(usage);
    for (const text of [`/user ${"я".repeat(65)}`, `/user ${"вера ".repeat(800)}`]) {
      expect((await h.send(text))[0]!.payload.text).toBe("Слишком длинный запрос: не больше 64 символов.");
    }
  });

  it("shows the first 20 and counts the rest", async () => {
    const calls = await h.send("/user тест");
    const text = String(calls[0]!.payload.text);
    expect(text.split("\n")[0]).toBe("🔎 «тест» — 23 студента:");
    expect(text.endsWith("\n\n…и ещё 3 студента: уточните запрос.")).toBe(true);
    expect(buttonRows(calls[0]!.payload.reply_markup)).toHaveLength(20);
    // "Тестов" starts with the word like the others; the rest by activity, then by id.
    expect(ids(calls).slice(0, 3)).toEqual([BIG, 6000, 6001]);
  });

  it("changes no row", async () => {
    const count = async () => (await rawQuery(database, "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM bookings) AS n"))[0]!.n;
    const before = await count();
    for (const text of ["/user вера", "/user %", "/user '; DELETE FROM users; --", "/user тест"]) await h.send(text);
    expect(await count()).toBe(before);
  });
});

describe("a result's button", () => {
  it("opens the student's screen as a new message, and the results stay", async () => {
    await h.send("/user вера");
    const results = h.lastSent();
    const calls = await h.press(results, "2. ВЕРА Петрова");
    expect(calls.map((c) => c.method)).toEqual(["sendMessage", "answerCallbackQuery"]);
    expect(header(calls)).toBe(`👤 <b>ВЕРА Петрова</b> · без @username · id <code>${VERA_P}</code>`);
    const third = await h.press(results, "3. Вера · @legacy_vera");
    expect(header(third)).toBe(`👤 <b>Вера</b> · @legacy_vera · id <code>${LEGACY_VERA}</code>`);
  });

  it("answers a forged or outdated one with a short notice and nothing else", async () => {
    await h.send("/user вера");
    const results = h.lastSent();
    for (const data of ["us:1", "us:zzzzzzzzzzz", "us:0", "us:", "us:-1", "us:1a/"]) {
      const calls = await h.pressData(results, data);
      expect(calls).toEqual([
        { method: "answerCallbackQuery", payload: expect.objectContaining({ text: "Эта кнопка устарела. Найдите студента заново: /user" }) },
      ]);
    }
  });

  it("carries the largest user id within Telegram's 64 bytes", async () => {
    const calls = await h.send("/user тестов");
    expect(header(calls)).toContain(`id <code>${BIG}</code>`);
    await h.send("/user тест");
    const data = h.lastSent().reply_markup!.inline_keyboard.flat().map((b) => (b as { callback_data: string }).callback_data);
    expect(data[0]).toBe(`us:${BIG.toString(36)}`);
    for (const d of data) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(64);
  });
});

describe("asked for by /user alone", () => {
  it("takes a name as the answer", async () => {
    await h.send("/user");
    const calls = await h.send("Вероника");
    expect(header(calls)).toBe(`👤 <b>Вероника Иванова</b> · @nika · id <code>${NIKA}</code>`);
  });

  it("lists several, and says when nobody matches", async () => {
    await h.send("/user");
    expect(ids(await h.send("иванова"))).toEqual([VERA, NIKA]);
    await h.send("/user");
    expect((await h.send("Зинаида"))[0]!.payload.text).toBe("Никого не нашлось по запросу «Зинаида».");
  });
});

describe("in English", () => {
  it("says the same with English plurals", async () => {
    const calls = await h.send("/user вера", ENGLISH_ADMIN);
    expect(String(calls[0]!.payload.text).split("\n\n")[0]).toBe("🔎 “вера” — 3 students:");
    expect(String(calls[0]!.payload.text)).toContain(`id <code>${VERA_P}</code>\nNo bookings`);
    expect(String((await h.send("/user тест", ENGLISH_ADMIN))[0]!.payload.text).endsWith("…and 3 more students: refine the search.")).toBe(true);
    expect((await h.send("/user Зинаида", ENGLISH_ADMIN))[0]!.payload.text).toBe("Nobody found for “Зинаида”.");
  });
});
