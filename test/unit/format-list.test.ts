import { describe, expect, it } from "vitest";
import { MESSAGE_LIMIT } from "../../src/bot/format/html";
import { formatListEntry, formatListKeyboard, formatListMessage, type ListKeyboardInput } from "../../src/bot/format/list";
import { en, ru } from "../../src/bot/i18n";
import type { BookingRow } from "../../src/db/queries/bookings";
import { firstPageOf, type ListState } from "../../src/bot/list-state";
import { ESCAPED, HOSTILE, MSK, NBSP, bareBookingRow, bookingRow, counts, student } from "./rows";

const rowA = bookingRow({ id: 124, confirmed: 0, createdAt: new Date("2026-11-01T10:15:00.000Z") });
const rowB = bookingRow({
  id: 123,
  userId: 555,
  username: null,
  firstName: "Анна",
  discountPercent: 0,
  referralCode: null,
  courseStream: "11th_stream",
});
const lineA = [
  "⚪ Новая заявка · /b124 · 01.11.2026 13:15",
  "Иван · @ivan_petrov · id <code>987654321</code>",
  "Вайб кодинг · 3-й поток · скидка 10% (<code>FRIEND10</code>)",
].join("\n");
const lineB = [
  "🟡 В ожидании · /b123 · 01.11.2026 12:00",
  "Анна · без @username · id <code>555</code>",
  "Вайб кодинг · 11-й поток",
].join("\n");

describe("formatListEntry", () => {
  it("shows status, command, date, student and course in three lines", () => {
    expect(formatListEntry(bookingRow(), MSK, ru, true)).toBe(
      [
        "🟡 В ожидании · /b123 · 01.11.2026 12:00",
        "Иван · @ivan_petrov · id <code>987654321</code>",
        "Вайб кодинг · 3-й поток · скидка 10% (<code>FRIEND10</code>)",
      ].join("\n"),
    );
  });

  it("leaves the student out of a student's own list: its header names them", () => {
    expect(formatListEntry(bookingRow(), MSK, ru, false)).toBe(
      ["🟡 В ожидании · /b123 · 01.11.2026 12:00", "Вайб кодинг · 3-й поток · скидка 10% (<code>FRIEND10</code>)"].join("\n"),
    );
  });

  it("uses the display time zone", () => {
    expect(formatListEntry(bookingRow(), "UTC", ru, true).split("\n")[0]).toBe("🟡 В ожидании · /b123 · 01.11.2026 09:00");
  });

  it("prefers the stream title from the database", () => {
    expect(formatListEntry(bookingRow({ streamTitle: "Осенний поток" }), MSK, ru, true).split("\n")[2]).toBe(
      "Вайб кодинг · Осенний поток · скидка 10% (<code>FRIEND10</code>)",
    );
  });

  it("falls back for missing data and drops the discount part", () => {
    const row = bareBookingRow({ discountPercent: 0 });
    expect(formatListEntry(row, MSK, ru, true)).toBe(
      ["⚪ Новая заявка · /b123 · 01.11.2026 12:00", "Без имени · без @username · id <code>987654321</code>", "— · —"].join("\n"),
    );
  });

  it("escapes hostile names, usernames and codes", () => {
    const row = bookingRow({ confirmed: -1, firstName: HOSTILE, username: HOSTILE, referralCode: HOSTILE, discountPercent: null });
    expect(formatListEntry(row, MSK, ru, true)).toBe(
      [
        "🔴 Отменено · /b123 · 01.11.2026 12:00",
        `${ESCAPED} · @${ESCAPED} · id <code>987654321</code>`,
        `Вайб кодинг · 3-й поток · промокод <code>${ESCAPED}</code>`,
      ].join("\n"),
    );
  });
});

describe("formatListMessage", () => {
  it("shows the first page of all bookings", () => {
    const result = formatListMessage({ state: firstPageOf("all"), rows: [rowA, rowB], counts: counts(42), timeZone: MSK }, ru);
    expect(result).toEqual({
      text: ["📋 <b>Заявки</b>", "Фильтр: <b>Все</b> · 1–2 из 42", "", lineA, "", lineB].join("\n"),
      shown: 2,
    });
  });

  it("counts a status filter from its offset, with grouped numbers", () => {
    const state: ListState = { filter: 1, anchor: { dir: "older", id: 200 }, offset: 1000 };
    const result = formatListMessage({ state, rows: [rowB], counts: counts(5000, { 1: 1234 }), timeZone: MSK }, ru);
    expect(result).toEqual({
      text: ["📋 <b>Заявки</b>", `Фильтр: <b>В ожидании</b> · 1${NBSP}001–1${NBSP}001 из 1${NBSP}234`, "", lineB].join("\n"),
      shown: 1,
    });
  });

  it("never says fewer in total than it has shown (counts read a moment apart)", () => {
    const state: ListState = { filter: "all", anchor: { dir: "older", id: 200 }, offset: 20 };
    const { text } = formatListMessage({ state, rows: [rowA, rowB], counts: counts(3), timeZone: MSK }, ru);
    expect(text.split("\n")[1]).toBe("Фильтр: <b>Все</b> · 21–22 из 22");
  });

  it("puts a student header above one student's list and names them nowhere else", () => {
    const result = formatListMessage(
      {
        state: firstPageOf("all", 987654321),
        rows: [rowA],
        counts: counts(3, { 0: 1, 1: 1, 2: 1 }),
        student: student(),
        timeZone: MSK,
      },
      ru,
    );
    expect(result).toEqual({
      text: [
        "👤 <b>Иван Петров</b> · @ivan_petrov · id <code>987654321</code>",
        "Впервые в боте: 20.10.2026 09:30",
        "Заявок: 3 — ⚪ 1 · 🟡 1 · 🟢 1 · 🔴 0",
        "Фильтр: <b>Все</b> · 1–1 из 3",
        "",
        "⚪ Новая заявка · /b124 · 01.11.2026 13:15",
        "Вайб кодинг · 3-й поток · скидка 10% (<code>FRIEND10</code>)",
      ].join("\n"),
      shown: 1,
    });
  });

  it("leaves out an unknown first visit and escapes the student's name", () => {
    const { text } = formatListMessage(
      {
        state: firstPageOf(-1, 42),
        rows: [],
        counts: counts(1200, { 2: 1200 }),
        student: student({ userId: 42, firstName: "<i>", lastName: null, username: null, firstSeenAt: null }),
        timeZone: MSK,
      },
      ru,
    );
    expect(text).toBe(
      [
        "👤 <b>&lt;i&gt;</b> · без @username · id <code>42</code>",
        `Заявок: 1${NBSP}200 — ⚪ 0 · 🟡 0 · 🟢 1${NBSP}200 · 🔴 0`,
        "Фильтр: <b>Отменённые</b>",
        "",
        "Здесь заявок нет.",
      ].join("\n"),
    );
  });

  it("says there are no bookings yet when there are none at all", () => {
    expect(formatListMessage({ state: firstPageOf("all"), rows: [], counts: counts(0), timeZone: MSK }, ru)).toEqual({
      text: ["📋 <b>Заявки</b>", "Фильтр: <b>Все</b>", "", "Заявок пока нет."].join("\n"),
      shown: 0,
    });
  });

  it("says there are none here for an empty filter", () => {
    expect(formatListMessage({ state: firstPageOf(2), rows: [], counts: counts(0), timeZone: MSK }, ru)).toEqual({
      text: ["📋 <b>Заявки</b>", "Фильтр: <b>Подтверждённые</b>", "", "Здесь заявок нет."].join("\n"),
      shown: 0,
    });
  });

  it("says there are none here when the bookings exist but the page is empty", () => {
    const { text } = formatListMessage({ state: firstPageOf("all"), rows: [], counts: counts(7), timeZone: MSK }, ru);
    expect(text).toBe(["📋 <b>Заявки</b>", "Фильтр: <b>Все</b>", "", "Здесь заявок нет."].join("\n"));
  });

  it("shows a full page of ordinary rows", () => {
    const rows = Array.from({ length: 20 }, (_, i) => bookingRow({ id: 1000 - i }));
    const { text, shown } = formatListMessage({ state: firstPageOf("all"), rows, counts: counts(20), timeZone: MSK }, ru);
    expect(shown).toBe(20);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  });
});

describe("formatListMessage within Telegram's 4096 characters", () => {
  // Every user string at its maximum, and every character one that grows when escaped.
  const worstRows: BookingRow[] = Array.from({ length: 50 }, (_, i) =>
    bookingRow({
      id: 2_147_483_647 - i,
      userId: Number.MAX_SAFE_INTEGER - i,
      firstName: "&<".repeat(50),
      username: "&".repeat(40),
      referralCode: "<".repeat(40),
      discountPercent: 100,
      confirmed: 0,
    }),
  );

  const cases: Array<[string, Parameters<typeof formatListMessage>[0]]> = [
    ["all bookings", { state: firstPageOf("all"), rows: worstRows, counts: counts(1_000_000), timeZone: MSK }],
    [
      "a status filter deep into the list",
      {
        state: { filter: -1, anchor: { dir: "older", id: 5 }, offset: 1_234_567 },
        rows: worstRows,
        counts: counts(9_999_999, { [-1]: 1_234_600 }),
        timeZone: MSK,
      },
    ],
    [
      "one student's bookings",
      {
        state: { userId: Number.MAX_SAFE_INTEGER, filter: 0, anchor: { dir: "older", id: 5 }, offset: 999_950 },
        rows: worstRows,
        counts: counts(4_000_000, { 0: 1_000_000, 1: 1_000_000, 2: 1_000_000, [-1]: 1_000_000 }),
        student: student({
          userId: Number.MAX_SAFE_INTEGER,
          firstName: "&".repeat(64),
          lastName: "<".repeat(64),
          username: ">".repeat(32),
        }),
        timeZone: MSK,
      },
    ],
  ];

  it.each(cases)("%s: keeps to the limit and shows the first rows in order", (_, input) => {
    const { text, shown } = formatListMessage(input, ru);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(worstRows.length);

    const entryOf = (row: BookingRow) => formatListEntry(row, MSK, ru, input.student === undefined);
    const entries = worstRows.slice(0, shown).map(entryOf);
    expect(text.endsWith(`\n\n${entries.join("\n\n")}`)).toBe(true);
    const ids = [...text.matchAll(/\/b(\d+) /g)].map((m) => Number(m[1]));
    expect(ids).toEqual(worstRows.slice(0, shown).map((row) => row.id));

    // Not needlessly short: one more row would not have fitted.
    expect(text.length + 2 + Math.max(...worstRows.map((row) => entryOf(row).length))).toBeGreaterThan(MESSAGE_LIMIT - 10);
  });

  // Guards the cut of long names: one oversized row once gave `shown: 0` and a list stuck at "1–0 из 1".
  it("always shows at least one row, however long its course name", () => {
    const { text, shown } = formatListMessage(
      {
        state: firstPageOf("all"),
        rows: [bookingRow({ courseName: "x".repeat(5000) })],
        counts: counts(1),
        timeZone: MSK,
      },
      ru,
    );
    expect(shown).toBe(1);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  });

  it("states the position of the rows actually shown", () => {
    const { text, shown } = formatListMessage(cases[1]![1], ru);
    const from = 1_234_567 + 1;
    const to = 1_234_567 + shown;
    const group = (n: number) => n.toLocaleString("ru-RU");
    expect(text.split("\n")[1]).toBe(`Фильтр: <b>Отменённые</b> · ${group(from)}–${group(to)} из ${group(1_234_600)}`);
  });
});

const button = (text: string, callback_data: string) => ({ text, callback_data });

describe("formatListKeyboard", () => {
  const firstOfAll: ListKeyboardInput = {
    state: firstPageOf("all"),
    counts: counts(7, { 0: 2, 1: 2, 2: 2, [-1]: 1 }),
    shown: [{ id: 7 }, { id: 6 }, { id: 5 }],
    hasNewer: false,
    hasOlder: true,
    pageSize: 3,
  };

  it("ticks the active filter, counts every filter, and pages on from the last row shown", () => {
    expect(formatListKeyboard(firstOfAll, ru).inline_keyboard).toEqual([
      [button("✓ Все 7", "l:a.a"), button("⚪ Новые 2", "l:a.n"), button("🟡 В ожидании 2", "l:a.p")],
      [button("🟢 Подтверждённые 2", "l:a.c"), button("🔴 Отменённые 1", "l:a.x")],
      [button("·", "l:top"), button("↻ Обновить", "l:a.a"), button("Старше ▶", "l:a.a.o.3.5")],
    ]);
  });

  it("keeps a student's list within the student, a page back and a page on", () => {
    const input: ListKeyboardInput = {
      state: { userId: 987654321, filter: 1, anchor: { dir: "older", id: 200 }, offset: 20 },
      counts: counts(5000, { 1: 1234 }),
      shown: [{ id: 150 }, { id: 120 }],
      hasNewer: true,
      hasOlder: true,
      pageSize: 20,
    };
    expect(formatListKeyboard(input, ru).inline_keyboard).toEqual([
      [button(`Все 5${NBSP}000`, "l:ugc0uy9.a"), button("⚪ Новые 0", "l:ugc0uy9.n"), button(`✓ 🟡 В ожидании 1${NBSP}234`, "l:ugc0uy9.p")],
      [button("🟢 Подтверждённые 0", "l:ugc0uy9.c"), button("🔴 Отменённые 0", "l:ugc0uy9.x")],
      [button("◀ Новее", "l:ugc0uy9.p.n.0.46"), button("↻ Обновить", "l:ugc0uy9.p.o.k.5k"), button("Старше ▶", "l:ugc0uy9.p.o.m.3c")],
    ]);
  });

  it("never counts the way back below the first row", () => {
    const input: ListKeyboardInput = { ...firstOfAll, state: { filter: "all", anchor: { dir: "older", id: 9 }, offset: 2 }, hasNewer: true };
    expect(formatListKeyboard(input, ru).inline_keyboard[2]![0]).toEqual(button("◀ Новее", "l:a.a.n.0.7"));
  });

  it("shows dots for arrows with nowhere to go, an empty page included", () => {
    const empty: ListKeyboardInput = { ...firstOfAll, state: firstPageOf(2), counts: counts(0), shown: [], hasOlder: false };
    expect(formatListKeyboard(empty, ru).inline_keyboard).toEqual([
      [button("Все 0", "l:a.a"), button("⚪ Новые 0", "l:a.n"), button("🟡 В ожидании 0", "l:a.p")],
      [button("✓ 🟢 Подтверждённые 0", "l:a.c"), button("🔴 Отменённые 0", "l:a.x")],
      [button("·", "l:top"), button("↻ Обновить", "l:a.c"), button("·", "l:end")],
    ]);
  });

  it("speaks the admin's language", () => {
    expect(formatListKeyboard({ ...firstOfAll, hasNewer: true }, en).inline_keyboard).toEqual([
      [button("✓ All 7", "l:a.a"), button("⚪ New 2", "l:a.n"), button("🟡 Pending 2", "l:a.p")],
      [button("🟢 Confirmed 2", "l:a.c"), button("🔴 Cancelled 1", "l:a.x")],
      [button("◀ Newer", "l:a.a.n.0.7"), button("↻ Refresh", "l:a.a"), button("Older ▶", "l:a.a.o.3.5")],
    ]);
  });

  it("fits every button in 64 bytes at the largest ids and the deepest page", () => {
    const MAX_SERIAL = 2_147_483_647;
    const worst: ListKeyboardInput = {
      state: { userId: Number.MAX_SAFE_INTEGER, filter: -1, anchor: { dir: "older", id: MAX_SERIAL }, offset: MAX_SERIAL - 2 },
      counts: counts(Number.MAX_SAFE_INTEGER),
      shown: [{ id: MAX_SERIAL - 1 }, { id: MAX_SERIAL - 2 }],
      hasNewer: true,
      hasOlder: true,
      pageSize: 50,
    };
    const data = formatListKeyboard(worst, ru).inline_keyboard.flat().map((b) => (b as { callback_data: string }).callback_data);
    expect(data).toHaveLength(8);
    expect(data[7]).toBe("l:u2gosa7pa2gv.x.o.zik0zj.zik0zh");
    expect(Math.max(...data.map((d) => Buffer.byteLength(d)))).toBe(32);
  });
});
