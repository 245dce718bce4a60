import { describe, expect, it } from "vitest";
import { formatBookingCard } from "../../src/bot/format/booking";
import { ru } from "../../src/bot/i18n";
import { ESCAPED, HOSTILE, MSK, bareBookingRow, bookingRow, student } from "./rows";

describe("formatBookingCard", () => {
  it("shows a booking without a known student", () => {
    expect(formatBookingCard(bookingRow(), undefined, MSK, ru)).toBe(
      [
        "<b>Заявка #123</b>",
        "🟡 В ожидании",
        "Создана: 01.11.2026 12:00",
        "",
        "👤 Иван · @ivan_petrov · id <code>987654321</code>",
        "Все заявки студента: /u987654321",
        "",
        "📚 Курс: Вайб кодинг (#1)",
        "🗓 Поток: 3-й поток (<code>3rd_stream</code>)",
        "💸 скидка 10% (<code>FRIEND10</code>)",
      ].join("\n"),
    );
  });

  it("adds the student's last name and first visit", () => {
    expect(formatBookingCard(bookingRow({ confirmed: 2, streamTitle: "Осенний поток" }), student(), MSK, ru)).toBe(
      [
        "<b>Заявка #123</b>",
        "🟢 Подтверждено",
        "Создана: 01.11.2026 12:00",
        "",
        "👤 Иван Петров · @ivan_petrov · id <code>987654321</code>",
        "Впервые в боте: 20.10.2026 09:30",
        "Все заявки студента: /u987654321",
        "",
        "📚 Курс: Вайб кодинг (#1)",
        "🗓 Поток: Осенний поток (<code>3rd_stream</code>)",
        "💸 скидка 10% (<code>FRIEND10</code>)",
      ].join("\n"),
    );
  });

  it("omits the first visit when unknown", () => {
    const card = formatBookingCard(bookingRow(), student({ firstSeenAt: null }), MSK, ru);
    expect(card).not.toContain("Впервые в боте");
  });

  it("falls back for a booking with nothing but a user id", () => {
    const row = bareBookingRow();
    expect(formatBookingCard(row, undefined, "UTC", ru)).toBe(
      [
        "<b>Заявка #123</b>",
        "⚪ Новая заявка",
        "Создана: 01.11.2026 09:00",
        "",
        "👤 Без имени · без @username · id <code>987654321</code>",
        "Все заявки студента: /u987654321",
        "",
        "📚 Курс: —",
        "🗓 Поток: —",
        "💸 без скидки",
      ].join("\n"),
    );
  });

  it("names a course without a name by its id", () => {
    const card = formatBookingCard(bookingRow({ courseId: 5, courseName: null }), undefined, MSK, ru);
    expect(card).toContain("\n📚 Курс: Курс #5\n");
  });

  it("escapes hostile names, usernames and codes", () => {
    const row = bookingRow({ firstName: HOSTILE, username: HOSTILE, referralCode: HOSTILE });
    expect(formatBookingCard(row, student({ lastName: "</b>&" }), MSK, ru)).toBe(
      [
        "<b>Заявка #123</b>",
        "🟡 В ожидании",
        "Создана: 01.11.2026 12:00",
        "",
        `👤 ${ESCAPED} &lt;/b&gt;&amp; · @${ESCAPED} · id <code>987654321</code>`,
        "Впервые в боте: 20.10.2026 09:30",
        "Все заявки студента: /u987654321",
        "",
        "📚 Курс: Вайб кодинг (#1)",
        "🗓 Поток: 3-й поток (<code>3rd_stream</code>)",
        `💸 скидка 10% (<code>${ESCAPED}</code>)`,
      ].join("\n"),
    );
  });

  // Guards the escaping of a stream code, inside <code> and as its own title.
  it("escapes an unknown stream code", () => {
    const card = formatBookingCard(bookingRow({ courseStream: "a<b&c" }), undefined, MSK, ru);
    expect(card).toContain("\n🗓 Поток: a&lt;b&amp;c (<code>a&lt;b&amp;c</code>)\n");
  });

  // Guards the escaping of course names read from the database.
  it("escapes the course name", () => {
    const card = formatBookingCard(bookingRow({ courseName: "C++ & Go" }), undefined, MSK, ru);
    expect(card).toContain("\n📚 Курс: C++ &amp; Go (#1)\n");
  });
});
