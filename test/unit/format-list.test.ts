import { describe, expect, it } from "vitest";
import { formatBookingLine } from "../../src/bot/format/booking";
import { MESSAGE_LIMIT } from "../../src/bot/format/html";
import { formatListMessage } from "../../src/bot/format/list";
import type { BookingRow } from "../../src/db/queries/bookings";
import { firstPageOf, type ListState } from "../../src/bot/list-state";
import { NBSP, bookingRow, counts, student } from "./rows";

const MSK = "Europe/Moscow";

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
  "Анна · no_username · id <code>555</code>",
  "Вайб кодинг · 11-й поток",
].join("\n");

describe("formatListMessage", () => {
  it("shows the first page of all bookings", () => {
    const result = formatListMessage({ state: firstPageOf("all"), rows: [rowA, rowB], counts: counts(42), timeZone: MSK });
    expect(result).toEqual({
      text: ["📋 <b>Заявки</b>", "Фильтр: <b>Все</b> · 1–2 из 42", "", lineA, "", lineB].join("\n"),
      shown: 2,
    });
  });

  it("counts a status filter from its offset, with grouped numbers", () => {
    const state: ListState = { filter: 1, anchor: { dir: "older", id: 200 }, offset: 1000 };
    const result = formatListMessage({ state, rows: [rowB], counts: counts(5000, { 1: 1234 }), timeZone: MSK });
    expect(result).toEqual({
      text: ["📋 <b>Заявки</b>", `Фильтр: <b>В ожидании</b> · 1${NBSP}001–1${NBSP}001 из 1${NBSP}234`, "", lineB].join("\n"),
      shown: 1,
    });
  });

  it("never says fewer in total than it has shown (counts read a moment apart)", () => {
    const state: ListState = { filter: "all", anchor: { dir: "older", id: 200 }, offset: 20 };
    const { text } = formatListMessage({ state, rows: [rowA, rowB], counts: counts(3), timeZone: MSK });
    expect(text.split("\n")[1]).toBe("Фильтр: <b>Все</b> · 21–22 из 22");
  });

  it("puts a student header above one student's list", () => {
    const result = formatListMessage({
      state: firstPageOf("all", 987654321),
      rows: [rowA],
      counts: counts(3, { 0: 1, 1: 1, 2: 1 }),
      student: student(),
      timeZone: MSK,
    });
    expect(result).toEqual({
      text: [
        "👤 <b>Иван Петров</b> · @ivan_petrov · id <code>987654321</code>",
        "Впервые в боте: 20.10.2026 09:30",
        "Заявок: 3 — ⚪ 1 · 🟡 1 · 🟢 1 · 🔴 0",
        "Фильтр: <b>Все</b> · 1–1 из 3",
        "",
        lineA,
      ].join("\n"),
      shown: 1,
    });
  });

  it("leaves out an unknown first visit and escapes the student's name", () => {
    const { text } = formatListMessage({
      state: firstPageOf(-1, 42),
      rows: [],
      counts: counts(1200, { 2: 1200 }),
      student: student({ userId: 42, firstName: "<i>", lastName: null, username: null, firstSeenAt: null }),
      timeZone: MSK,
    });
    expect(text).toBe(
      [
        "👤 <b>&lt;i&gt;</b> · no_username · id <code>42</code>",
        `Заявок: 1${NBSP}200 — ⚪ 0 · 🟡 0 · 🟢 1${NBSP}200 · 🔴 0`,
        "Фильтр: <b>Отменённые</b>",
        "",
        "Здесь заявок нет.",
      ].join("\n"),
    );
  });

  it("says there are no bookings yet when there are none at all", () => {
    expect(formatListMessage({ state: firstPageOf("all"), rows: [], counts: counts(0), timeZone: MSK })).toEqual({
      text: ["📋 <b>Заявки</b>", "Фильтр: <b>Все</b>", "", "Заявок пока нет."].join("\n"),
      shown: 0,
    });
  });

  it("says there are none here for an empty filter", () => {
    expect(formatListMessage({ state: firstPageOf(2), rows: [], counts: counts(0), timeZone: MSK })).toEqual({
      text: ["📋 <b>Заявки</b>", "Фильтр: <b>Подтверждённые</b>", "", "Здесь заявок нет."].join("\n"),
      shown: 0,
    });
  });

  it("says there are none here when the bookings exist but the page is empty", () => {
    const { text } = formatListMessage({ state: firstPageOf("all"), rows: [], counts: counts(7), timeZone: MSK });
    expect(text).toBe(["📋 <b>Заявки</b>", "Фильтр: <b>Все</b>", "", "Здесь заявок нет."].join("\n"));
  });

  it("shows a full page of ordinary rows", () => {
    const rows = Array.from({ length: 20 }, (_, i) => bookingRow({ id: 1000 - i }));
    const { text, shown } = formatListMessage({ state: firstPageOf("all"), rows, counts: counts(20), timeZone: MSK });
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
  const longestEntry = Math.max(...worstRows.map((row) => formatBookingLine(row, MSK).length));

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
    const { text, shown } = formatListMessage(input);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(worstRows.length);

    const entries = worstRows.slice(0, shown).map((row) => formatBookingLine(row, MSK));
    expect(text.endsWith(`\n\n${entries.join("\n\n")}`)).toBe(true);
    const ids = [...text.matchAll(/\/b(\d+) /g)].map((m) => Number(m[1]));
    expect(ids).toEqual(worstRows.slice(0, shown).map((row) => row.id));

    // Not needlessly short: one more row would not have fitted.
    expect(text.length + 2 + longestEntry).toBeGreaterThan(MESSAGE_LIMIT - 10);
  });

  // BUG: course names and stream titles are not cut, so one oversized row yields `shown: 0`,
  // the position "1–0 из 1" and a list that can never page past that row.
  it("always shows at least one row, however long its course name", () => {
    const { text, shown } = formatListMessage({
      state: firstPageOf("all"),
      rows: [bookingRow({ courseName: "x".repeat(5000) })],
      counts: counts(1),
      timeZone: MSK,
    });
    expect(shown).toBe(1);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  });

  it("states the position of the rows actually shown", () => {
    const { text, shown } = formatListMessage(cases[1]![1]);
    const from = 1_234_567 + 1;
    const to = 1_234_567 + shown;
    const group = (n: number) => n.toLocaleString("ru-RU");
    expect(text.split("\n")[1]).toBe(`Фильтр: <b>Отменённые</b> · ${group(from)}–${group(to)} из ${group(1_234_600)}`);
  });
});
