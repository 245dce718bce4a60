import { describe, expect, it } from "vitest";
import { MESSAGE_LIMIT } from "../../src/bot/format/html";
import { formatStudentSearch } from "../../src/bot/format/student-search";
import { en, ru } from "../../src/bot/i18n";
import type { StudentMatch } from "../../src/db/queries/student-search";
import { ESCAPED, HOSTILE, NBSP } from "./rows";

const match = (overrides: Partial<StudentMatch> = {}): StudentMatch => ({
  userId: 987654321,
  username: "ivan_petrov",
  firstName: "Иван",
  lastName: "Петров",
  counts: { all: 3, 0: 0, 1: 1, 2: 1, [-1]: 1 },
  ...overrides,
});
const rows = (markup: { inline_keyboard: Array<Array<{ text: string }>> }) => markup.inline_keyboard.map((row) => row.map((b) => b.text));

describe("formatStudentSearch", () => {
  it("numbers the matches, escapes what students wrote, and gives each a button", () => {
    const { text, keyboard } = formatStudentSearch(
      `${HOSTILE} иван`,
      { total: 2, matches: [match(), match({ userId: 5, username: null, firstName: HOSTILE, lastName: null, counts: { all: 0, 0: 0, 1: 0, 2: 0, [-1]: 0 } })] },
      ru,
    );
    expect(text).toBe(
      [
        `🔎 «${ESCAPED} иван» — 2 студента:`,
        "1. <b>Иван Петров</b> · @ivan_petrov · id <code>987654321</code>\nЗаявок: 3 — ⚪ 0 · 🟡 1 · 🟢 1 · 🔴 1",
        `2. <b>${ESCAPED}</b> · без @username · id <code>5</code>\nЗаявок нет`,
      ].join("\n\n"),
    );
    expect(rows(keyboard)).toEqual([["1. Иван Петров · @ivan_petrov"], [`2. ${HOSTILE}`]]);
    expect(keyboard.inline_keyboard.flat().map((b) => (b as { callback_data: string }).callback_data)).toEqual(["us:gc0uy9", "us:5"]);
  });

  it("counts the rest, in the reader's language and plural", () => {
    const search = { total: 1021, matches: [match()] };
    expect(formatStudentSearch("иван", search, ru).text.split("\n\n").at(-1)).toBe(`…и ещё 1${NBSP}020 студентов: уточните запрос.`);
    expect(formatStudentSearch("ivan", { total: 2, matches: [match()] }, en).text.split("\n\n").at(-1)).toBe("…and 1 more student: refine the search.");
  });

  it("stays within Telegram's 4096 characters, the matches that do not fit counted with the rest", () => {
    const long = "&".repeat(64);
    const matches = Array.from({ length: 20 }, (_, i) => match({ userId: 1000 + i, firstName: long, lastName: long, username: "u".repeat(32) }));
    const { text, keyboard } = formatStudentSearch("&".repeat(64), { total: 57, matches }, ru);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    const shown = keyboard.inline_keyboard.length;
    expect(shown).toBeLessThan(20);
    expect(text.match(/id <code>/g)).toHaveLength(shown);
    expect(text.endsWith(`…и ещё ${57 - shown} студентов: уточните запрос.`)).toBe(true);
  });
});
