import { describe, expect, it } from "vitest";
import { packWorkshops, parseWorkshops, type WorkshopsCallback } from "../../src/bot/callback-data";
import { countNoun } from "../../src/bot/format/values";
import { formatLessons, lessonDate, lessonName, lessonTitle } from "../../src/bot/format/workshops";
import { en, ru } from "../../src/bot/i18n";
import type { Lesson } from "../../src/db/queries/workshops";

const MAX_SERIAL = 2_147_483_647;

describe("/workshops callback data", () => {
  const cases: Array<[string, WorkshopsCallback]> = [
    ["w:h", { op: "home" }],
    ["w:a", { op: "csv-all" }],
    ["w:g:1", { op: "page", lesson: 1, anchor: { dir: "first" } }],
    ["w:o:a:zik0zj", { op: "page", lesson: 10, anchor: { dir: "older", id: MAX_SERIAL } }],
    ["w:n:zik0zj:1", { op: "page", lesson: MAX_SERIAL, anchor: { dir: "newer", id: 1 } }],
    ["w:f:zik0zj", { op: "csv", lesson: MAX_SERIAL }],
    ["w:b:2s", { op: "broadcast", lesson: 100 }],
  ];

  it.each(cases)("%s", (data, parsed) => {
    expect(packWorkshops(parsed)).toBe(data);
    expect(parseWorkshops(data)).toEqual(parsed);
  });

  it("refuses what no button carries: padded, zero or too large ids, missing or extra fields, other prefixes", () => {
    for (const bad of ["w:", "w:h:", "w:hh", "w:g", "w:g:", "w:g:0", "w:g:01", "w:g:zik0zk", "w:g:zzzzzzz", "w:g:1:1", "w:o:1", "w:o:1:0", "w:o:zik0zk:1", "w:n:1:zik0zk", "w:f:-1", "w:G:1", "W:h", " w:h", "w:h ", "cp:l"]) {
      expect(parseWorkshops(bad), bad).toBeUndefined();
    }
  });

  it("fits 64 bytes in the worst case (the largest ids)", () => {
    const worst = packWorkshops({ op: "page", lesson: MAX_SERIAL, anchor: { dir: "older", id: MAX_SERIAL } });
    expect(Buffer.byteLength(worst)).toBe(17);
  });
});

describe("a number and its noun", () => {
  it("Russian: one, few, many by Intl.PluralRules", () => {
    const forms = ru.workshops.registrations;
    expect([0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 1_000, 1_001].map((n) => countNoun(n, forms, ru))).toEqual([
      "0 регистраций",
      "1 регистрация",
      "2 регистрации",
      "4 регистрации",
      "5 регистраций",
      "11 регистраций",
      "12 регистраций",
      "14 регистраций",
      "21 регистрация",
      "22 регистрации",
      "25 регистраций",
      "101 регистрация",
      "111 регистраций",
      "1\u00a0000 регистраций",
      "1\u00a0001 регистрация",
    ]);
    expect([1, 3, 5, 21].map((n) => countNoun(n, ru.workshops.lessons, ru))).toEqual(["1 урок", "3 урока", "5 уроков", "21 урок"]);
  });

  it("English: one and other", () => {
    expect([0, 1, 2, 21, 1_000].map((n) => countNoun(n, en.workshops.registrations, en))).toEqual(["0 registrations", "1 registration", "2 registrations", "21 registrations", "1,000 registrations"]);
  });
});

describe("lesson names and dates", () => {
  it("a known type by its title, anything else as stored (in HTML cut and escaped), none plainly", () => {
    expect(lessonName("cursor_lesson", ru)).toBe("Воркшоп по Cursor");
    expect(lessonName("constructor", ru)).toBe("constructor");
    expect(lessonName(null, ru)).toBe("Без типа");
    expect(lessonTitle("vibecoding_lesson", en)).toBe("Vibe coding magic");
    expect(lessonTitle("a<b>&c", ru)).toBe("<code>a&lt;b&gt;&amp;c</code>");
    expect(lessonTitle("x".repeat(60), ru)).toBe(`<code>${"x".repeat(49)}…</code>`);
    expect(lessonDate("2025-09-12", ru)).toBe("12.09.2025");
    expect(lessonDate(null, ru)).toBe("без даты");
    expect(lessonDate("infinity", en)).toBe("infinity");
  });
});

describe("the lessons screen", () => {
  it("keeps under 4096 characters with many long unknown types, and counts the lessons left out", () => {
    const lessons: Lesson[] = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, lessonType: `${"&".repeat(48)}${i}`, lessonDate: "2025-12-01", registrations: 1 }));
    const screen = formatLessons({ lessons, lessonCount: 25, registrations: 25 }, ru);
    const lines = screen.text.split("\n");
    expect(screen.text.length).toBeLessThanOrEqual(4096);
    const shown = lines.filter((l) => l.startsWith("📅")).length;
    expect(shown).toBeGreaterThan(5);
    expect(shown).toBeLessThan(20);
    expect(lines.at(-1)).toBe(`… и ещё ${25 - shown} уроков раньше — они есть в CSV со всеми записями.`);
    expect(screen.keyboard!.inline_keyboard).toHaveLength(shown + 1);
  });
});
