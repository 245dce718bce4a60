import { describe, expect, it } from "vitest";
import { en, ru } from "../../src/bot/i18n";

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
