import { describe, expect, it } from "vitest";
import { en, ru } from "../../src/bot/i18n";
import { countNoun } from "../../src/bot/format/values";

/**
 * Wherever a number meets a noun, the noun agrees with it: Russian's one / few / many (1 and 21
 * alike, 2 and 22, 5, 11 and 25), English's one / other.
 */
const NUMBERS = [1, 2, 5, 11, 21, 22, 25];

describe("plurals", () => {
  it("Russian: the genitive after «до» and «длиннее»", () => {
    expect(NUMBERS.map((n) => ru.courses.askStreamTitle("X", n).split(" (")[1]!.split(")")[0])).toEqual([
      "до 1 символа",
      "до 2 символов",
      "до 5 символов",
      "до 11 символов",
      "до 21 символа",
      "до 22 символов",
      "до 25 символов",
    ]);
    expect(ru.templates.tooLong(21)).toBe("Текст длиннее 21 символа.");
    expect(ru.broadcast.buttonsProblem.label(2, 40)).toBe("Строка 2: текст кнопки длиннее 40 символов.");
    expect(ru.courses.tooLong(11, 12)).toBe("Название длиннее 11 символов (сейчас 12).");
  });

  it("Russian: who blocked the bot, verb and pronoun agreeing", () => {
    expect(NUMBERS.map((n) => ru.broadcast.skipped(n))).toEqual([
      " (ещё 1 заблокировал бота — ему не отправим)",
      " (ещё 2 заблокировали бота — им не отправим)",
      " (ещё 5 заблокировали бота — им не отправим)",
      " (ещё 11 заблокировали бота — им не отправим)",
      " (ещё 21 заблокировал бота — ему не отправим)",
      " (ещё 22 заблокировали бота — им не отправим)",
      " (ещё 25 заблокировали бота — им не отправим)",
    ]);
    expect(ru.broadcast.skipped(1234)).toBe(" (ещё 1\u00a0234 заблокировали бота — им не отправим)");
  });

  it("Russian: the genitive after «из» and «больше» (a recall's report, the picked students' cap)", () => {
    expect(NUMBERS.map((n) => ru.broadcast.recallReport(7, n, n, 0))).toEqual(
      ["1 чата", "2 чатов", "5 чатов", "11 чатов", "21 чата", "22 чатов", "25 чатов"].map((chats, i) => `🗑 Рассылка #7: удалена из ${NUMBERS[i]} из ${chats}.`),
    );
    expect(ru.broadcast.recallReport(7, 0, 1_234, 1_234)).toBe("🗑 Рассылка #7: удалена из 0 из 1\u00a0234 чатов · не удалось 1\u00a0234 (старше 48 часов или уже удалены).");
    expect(NUMBERS.map((n) => ru.broadcast.pickFull(n).split(" вручную")[0])).toEqual([
      "Больше 1 студента",
      "Больше 2 студентов",
      "Больше 5 студентов",
      "Больше 11 студентов",
      "Больше 21 студента",
      "Больше 22 студентов",
      "Больше 25 студентов",
    ]);
    expect(en.broadcast.recallReport(7, 1, 1, 0)).toBe("🗑 Broadcast #7: deleted from 1 of 1 chat.");
    expect(en.broadcast.pickFull(1)).toMatch(/^At most 1 student can/);
  });

  it("English: one and other, no “(s)”", () => {
    const note = (key: string, n: number) => en.health.note[key]!(n, "");
    expect(note("bookings-dated-1970", 1)).toBe("1 booking had no date: shown as 01.01.1970, at the end of the list.");
    expect(note("bookings-dated-1970", 21)).toBe("21 bookings had no date: shown as 01.01.1970, at the end of the list.");
    expect(note("bookings-unknown-status", 1)).toMatch(/^1 booking has an unknown status/);
    expect(note("bookings-unknown-course", 2)).toBe("2 bookings point at a course that does not exist.");
    expect(en.broadcast.skipped(1)).toBe(" (1 more blocked the bot and will be skipped)");
  });

  it("a count with its noun, by the reader's rules", () => {
    const forms = { one: "регистрация", few: "регистрации", many: "регистраций", other: "регистрации" };
    expect(NUMBERS.map((n) => countNoun(n, forms, ru))).toEqual([
      "1 регистрация",
      "2 регистрации",
      "5 регистраций",
      "11 регистраций",
      "21 регистрация",
      "22 регистрации",
      "25 регистраций",
    ]);
    expect([1, 2, 21].map((n) => countNoun(n, { one: "registration", other: "registrations" }, en))).toEqual(["1 registration", "2 registrations", "21 registrations"]);
  });
});

describe("a count of students", () => {
  it.each([
    [1, "студент"],
    [2, "студента"],
    [4, "студента"],
    [5, "студентов"],
    [11, "студентов"],
    [12, "студентов"],
    [21, "студент"],
    [22, "студента"],
    [25, "студентов"],
    [111, "студентов"],
    [1001, "студент"],
  ])("in Russian: %i %s", (n, noun) => {
    expect(ru.student.more(n, String(n))).toBe(`…и ещё ${n} ${noun}: уточните запрос.`);
  });

  it("in English", () => {
    expect(en.student.found("x", 1, "1")).toBe("🔎 “x” — 1 student:");
    expect(en.student.found("x", 21, "21")).toBe("🔎 “x” — 21 students:");
  });

  it("and the query's length limit, in the genitive", () => {
    expect(ru.student.tooLong(64)).toBe("Слишком длинный запрос: не больше 64 символов.");
    expect(ru.student.tooLong(21)).toBe("Слишком длинный запрос: не больше 21 символа.");
  });
});
