import { describe, expect, it } from "vitest";
import { ru } from "../../src/bot/i18n";
import {
  courseTitle,
  discountText,
  displayName,
  displayUsername,
  formatCount,
  formatDateTime,
  statusText,
  streamTitle,
} from "../../src/bot/format/values";
import { NBSP } from "./rows";

describe("statusText", () => {
  it("shows badge and label for every known status", () => {
    expect(statusText(0, ru)).toBe("⚪ Новая заявка");
    expect(statusText(1, ru)).toBe("🟡 В ожидании");
    expect(statusText(2, ru)).toBe("🟢 Подтверждено");
    expect(statusText(-1, ru)).toBe("🔴 Отменено");
  });

  it("shows an unknown code as is instead of failing", () => {
    expect(statusText(5, ru)).toBe("❔ Статус 5");
    expect(statusText(-2, ru)).toBe("❔ Статус -2");
  });
});

describe("formatDateTime", () => {
  it("formats DD.MM.YYYY HH:MM in the given zone", () => {
    const date = new Date("2026-11-01T09:00:00.000Z");
    expect(formatDateTime(date, "Europe/Moscow")).toBe("01.11.2026 12:00");
    expect(formatDateTime(date, "UTC")).toBe("01.11.2026 09:00");
  });

  it("pads single digits", () => {
    expect(formatDateTime(new Date("2026-03-05T04:07:00.000Z"), "UTC")).toBe("05.03.2026 04:07");
  });

  it("shows midnight as 00:00, never 24:00", () => {
    expect(formatDateTime(new Date("2026-01-01T21:00:00.000Z"), "Europe/Moscow")).toBe("02.01.2026 00:00");
    expect(formatDateTime(new Date("2026-01-01T00:00:00.000Z"), "UTC")).toBe("01.01.2026 00:00");
  });

  it("rolls the date and the year over in the display zone", () => {
    expect(formatDateTime(new Date("2025-12-31T21:30:00.000Z"), "Europe/Moscow")).toBe("01.01.2026 00:30");
    expect(formatDateTime(new Date("2025-12-31T21:30:00.000Z"), "UTC")).toBe("31.12.2025 21:30");
  });

  it("keeps Moscow at UTC+3 in summer too (no DST)", () => {
    expect(formatDateTime(new Date("2026-07-15T20:59:00.000Z"), "Europe/Moscow")).toBe("15.07.2026 23:59");
  });
});

describe("formatCount", () => {
  it("groups thousands the Russian way, with a no-break space", () => {
    expect(formatCount(0, ru)).toBe("0");
    expect(formatCount(999, ru)).toBe("999");
    expect(formatCount(1000, ru)).toBe(`1${NBSP}000`);
    expect(formatCount(1234567, ru)).toBe(`1${NBSP}234${NBSP}567`);
  });
});

describe("streamTitle", () => {
  it("prefers the title from the streams table", () => {
    expect(streamTitle("3rd_stream", "Осенний поток", ru)).toBe("Осенний поток");
  });

  it("derives a title from a numbered code", () => {
    expect(streamTitle("1st_stream", null, ru)).toBe("1-й поток");
    expect(streamTitle("2nd_stream", null, ru)).toBe("2-й поток");
    expect(streamTitle("3rd_stream", null, ru)).toBe("3-й поток");
    expect(streamTitle("11th_stream", null, ru)).toBe("11-й поток");
  });

  it("shows an unknown code as is", () => {
    expect(streamTitle("vip", null, ru)).toBe("vip");
    expect(streamTitle("3rd_stream_extra", null, ru)).toBe("3rd_stream_extra");
  });

  it("shows a dash when there is no stream", () => {
    expect(streamTitle(null, null, ru)).toBe("—");
    expect(streamTitle("", null, ru)).toBe("—");
  });

  // Guards the escaping of codes and titles read from the database.
  it("escapes an unknown code", () => {
    expect(streamTitle("vip<b>&", null, ru)).toBe("vip&lt;b&gt;&amp;");
  });

  it("escapes a title from the database", () => {
    expect(streamTitle("3rd_stream", "Поток <A&B>", ru)).toBe("Поток &lt;A&amp;B&gt;");
  });
});

describe("courseTitle", () => {
  it("prefers the course name", () => {
    expect(courseTitle(1, "Вайб кодинг", ru)).toBe("Вайб кодинг");
  });

  it("falls back to the id, then to a dash", () => {
    expect(courseTitle(7, null, ru)).toBe("Курс #7");
    expect(courseTitle(7, "", ru)).toBe("Курс #7");
    expect(courseTitle(null, null, ru)).toBe("—");
  });

  // Guards against a course named "C++ & Go" making Telegram refuse the whole message ("can't parse entities").
  it("escapes the course name", () => {
    expect(courseTitle(1, "C++ & Go <pro>", ru)).toBe("C++ &amp; Go &lt;pro&gt;");
  });
});

describe("displayName", () => {
  it("joins first and last name", () => {
    expect(displayName(ru, "Иван")).toBe("Иван");
    expect(displayName(ru, "Иван", "Петров")).toBe("Иван Петров");
    expect(displayName(ru, null, "Петров")).toBe("Петров");
    expect(displayName(ru, "", "Петров")).toBe("Петров");
  });

  it("says so, in the reader's language, when there is no name", () => {
    expect(displayName(ru, null)).toBe("Без имени");
    expect(displayName(ru, undefined)).toBe("Без имени");
    expect(displayName(ru, null, null)).toBe("Без имени");
    expect(displayName(ru, "   ", " ")).toBe("Без имени");
  });

  it("keeps 64 characters and cuts longer names to 63 plus an ellipsis", () => {
    expect(displayName(ru, "a".repeat(64))).toBe("a".repeat(64));
    expect(displayName(ru, "a".repeat(65))).toBe(`${"a".repeat(63)}…`);
    expect(displayName(ru, "a".repeat(40), "b".repeat(40))).toBe(`${"a".repeat(40)} ${"b".repeat(22)}…`);
  });

  it("never cuts an emoji in half", () => {
    expect(displayName(ru, "😀".repeat(65))).toBe(`${"😀".repeat(63)}…`);
  });

  it("escapes <, > and &", () => {
    expect(displayName(ru, "<b>Tom & Jerry</b>")).toBe("&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;");
    expect(displayName(ru, "<script>&", "</b>")).toBe("&lt;script&gt;&amp; &lt;/b&gt;");
  });

  it("cuts before escaping, so an entity is never split", () => {
    expect(displayName(ru, "&".repeat(100))).toBe(`${"&amp;".repeat(63)}…`);
  });
});

describe("displayUsername", () => {
  it("prefixes @", () => {
    expect(displayUsername(ru, "ivan_petrov")).toBe("@ivan_petrov");
  });

  it("says so, in the reader's language, when there is none", () => {
    expect(displayUsername(ru, null)).toBe("без @username");
    expect(displayUsername(ru, undefined)).toBe("без @username");
    expect(displayUsername(ru, "")).toBe("без @username");
  });

  it("keeps 32 characters and cuts longer ones", () => {
    expect(displayUsername(ru, "u".repeat(32))).toBe(`@${"u".repeat(32)}`);
    expect(displayUsername(ru, "u".repeat(33))).toBe(`@${"u".repeat(31)}…`);
  });

  it("escapes legacy usernames", () => {
    expect(displayUsername(ru, "<script>&")).toBe("@&lt;script&gt;&amp;");
    expect(displayUsername(ru, "<".repeat(40))).toBe(`@${"&lt;".repeat(31)}…`);
  });
});

describe("discountText", () => {
  it("shows percent and code", () => {
    expect(discountText(10, "FRIEND10", ru)).toBe("скидка 10% (<code>FRIEND10</code>)");
  });

  it("shows only the percent without a code", () => {
    expect(discountText(10, null, ru)).toBe("скидка 10%");
    expect(discountText(10, "", ru)).toBe("скидка 10%");
  });

  it("shows only the code without a percent", () => {
    expect(discountText(0, "FRIEND10", ru)).toBe("промокод <code>FRIEND10</code>");
    expect(discountText(null, "FRIEND10", ru)).toBe("промокод <code>FRIEND10</code>");
  });

  it("is undefined without both", () => {
    expect(discountText(0, null, ru)).toBeUndefined();
    expect(discountText(null, null, ru)).toBeUndefined();
    expect(discountText(0, "", ru)).toBeUndefined();
  });

  it("escapes and cuts the code", () => {
    expect(discountText(5, "<a&b>", ru)).toBe("скидка 5% (<code>&lt;a&amp;b&gt;</code>)");
    expect(discountText(0, "C".repeat(33), ru)).toBe(`промокод <code>${"C".repeat(31)}…</code>`);
  });
});
