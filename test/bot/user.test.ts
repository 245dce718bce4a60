import { describe, expect, it } from "vitest";
import { useBotFixture } from "../helpers/bot-fixture";
import { addBookings, addUser } from "../helpers/fixtures";
import { createHarness } from "../helpers/harness";
import { expectScreen } from "../helpers/screens";

const MARIA = 777000111;

const { database, h } = useBotFixture({
  env: { PAGE_SIZE: "2" },
  seed: async ({ db }) => {
    await addUser(db, {
      userId: MARIA,
      username: "Maria_Iv",
      firstName: "Мария",
      lastName: "Иванова",
      firstSeenAt: new Date("2026-10-01T07:30:00Z"),
    });
    const maria = { userId: MARIA, username: "Maria_Iv", firstName: "Мария" };
    await addBookings(db, [
      { ...maria, confirmed: 2, courseStream: "4th_stream", referralCode: "FRIEND10", discountPercent: 10 },
      { userId: 42, username: "someone", firstName: "Другой" },
      { ...maria, confirmed: -1, courseStream: "mentoring" },
      { ...maria, confirmed: 1, courseStream: "9th_stream" },
    ]);
  },
});

const HEADER = [
  "👤 <b>Мария Иванова</b> · @Maria_Iv · id <code>777000111</code>",
  "Впервые в боте: 01.10.2026 10:30",
  "Заявок: 3 — ⚪ 0 · 🟡 1 · 🟢 1 · 🔴 1",
];

describe("/user", () => {
  it("shows one student's bookings with a header, by id", async () => {
    const calls = await h.send(`/user ${MARIA}`);
    expect(calls.map((c) => c.method)).toEqual(["sendMessage"]);
    expectScreen(calls, [
      ...HEADER,
      "Фильтр: <b>Все</b> · 1–2 из 3",
      "",
      "🟡 В ожидании · /b4 · 01.11.2026 12:03\nВайб кодинг · 9-й поток",
      "",
      "🔴 Отменено · /b3 · 01.11.2026 12:02\nВайб кодинг · Менторинг",
    ], [
      ["✓ Все 3", "⚪ Новые 0", "🟡 В ожидании 1"],
      ["🟢 Подтверждённые 1", "🔴 Отменённые 1"],
      ["·", "↻ Обновить", "Старше ▶"],
      ["✉️ Написать", "💬 Переписка (0)"],
    ]);
  });

  it("pages and filters within the student's bookings", async () => {
    await h.send(`/user ${MARIA}`);
    const message = h.lastSent();
    expectScreen(await h.press(message, "Старше ▶"), [
      ...HEADER,
      "Фильтр: <b>Все</b> · 3–3 из 3",
      "",
      "🟢 Подтверждено · /b1 · 01.11.2026 12:00\nВайб кодинг · 4-й поток · скидка 10% (<code>FRIEND10</code>)",
    ]);
    const confirmed = await h.press(message, "🟢 Подтверждённые 1");
    expect(confirmed[0]!.payload.text).toContain("Фильтр: <b>Подтверждённые</b> · 1–1 из 1\n\n🟢 Подтверждено · /b1 ");
    expect(confirmed[0]!.payload.text).not.toContain("/b2 ");
  });

  it("names the student once, in the header, not again under each booking", async () => {
    const first = await h.send(`/user ${MARIA}`);
    const message = h.lastSent();
    const older = await h.press(message, "Старше ▶");
    const confirmed = await h.press(message, "🟢 Подтверждённые 1");
    for (const calls of [first, older, confirmed]) {
      const text = String(calls[0]!.payload.text);
      expect(text.split("\n").filter((line) => line.includes("777000111"))).toEqual([HEADER[0]]);
      expect(text).not.toContain("Мария ·");
    }
  });

  it("finds a student by username, case-insensitively, with or without @", async () => {
    for (const arg of ["@maria_iv", "MARIA_IV"]) {
      const calls = await h.send(`/user ${arg}`);
      expect(calls[0]!.payload.text).toContain(HEADER[0]);
    }
  });

  it("opens a student from the /u link of a booking card", async () => {
    const calls = await h.send(`/u${MARIA}`);
    expect(calls[0]!.payload.text).toContain(HEADER[0]);
  });

  it("says clearly when nobody matches", async () => {
    expect((await h.send("/user 123"))[0]!.payload.text).toBe("Нет заявок для id 123.");
    expect((await h.send("/user @nobody_here"))[0]!.payload.text).toBe("Нет заявок для @nobody_here.");
    expect((await h.send("/user what is this"))[0]!.payload.text).toBe("Никого не нашлось по запросу «what is this».");
    expect((await h.send("/user ?!"))[0]!.payload.text).toBe(
      "Укажите id студента, @username или имя, например: /user 123456789, /user @ivan_petrov или /user Иван Петров",
    );
  });

  describe("without an argument", () => {
    it("asks for the student and accepts the answer", async () => {
      const ask = await h.send("/user");
      expect(ask[0]!.payload.text).toBe("Пришлите id студента, его @username или имя. /cancel — отмена.");
      const wrong = await h.send("??");
      expect(wrong[0]!.payload.text).toBe(
        "Не похоже на id, @username или имя. Пример: 123456789, @ivan_petrov или Иван Петров. /cancel — отмена.",
      );
      const answer = await h.send("@Maria_iv");
      expect(answer.map((c) => c.method)).toEqual(["sendMessage"]);
      expect(answer[0]!.payload.text).toContain(HEADER.join("\n"));
      // The conversation is over: plain text is ordinary chat again.
      expect((await h.send("hello"))[0]!.payload.text).toBe("Не понял. Что я умею — /help");
    });

    it("the student list it sends has working buttons", async () => {
      await h.send("/user");
      await h.send(String(MARIA));
      const pressed = await h.press(h.lastSent(), "Старше ▶");
      expect(pressed[0]!.payload.text).toContain("Фильтр: <b>Все</b> · 3–3 из 3");
    });

    it("answers an unknown student and ends", async () => {
      await h.send("/user");
      expect((await h.send("99999"))[0]!.payload.text).toBe("Нет заявок для id 99999.");
      expect((await h.send("99999"))[0]!.payload.text).toBe("Не понял. Что я умею — /help");
    });

    it("/cancel leaves it, and another command runs as usual", async () => {
      await h.send("/user");
      expect((await h.send("/cancel"))[0]!.payload.text).toBe("Отменено.");
      await h.send("/user");
      const help = await h.send("/help");
      expect(help[0]!.payload.text).toContain("<b>Что я умею</b>");
      expect((await h.send("12345"))[0]!.payload.text).toBe("Не понял. Что я умею — /help");
    });

    it("buttons of other messages keep working while it waits", async () => {
      await h.send("/bookings");
      const list = h.lastSent();
      await h.send("/user");
      const pressed = await h.press(list, "🟢 Подтверждённые 1");
      expect(pressed.map((c) => c.method)).toEqual(["editMessageText", "answerCallbackQuery"]);
      const answer = await h.send(String(MARIA));
      expect(answer[0]!.payload.text).toContain(HEADER[0]);
    });
  });
});

describe("a conversation across a restart", () => {
  it("is picked up by another bot instance on the same database", async () => {
    await h.send("/user");
    const other = await createHarness(database.db, { PAGE_SIZE: "2" });
    try {
      const answer = await other.send("@Maria_iv");
      expect(answer[0]!.payload.text).toContain(HEADER[0]);
    } finally {
      await other.close();
    }
    expect((await h.send("hello"))[0]!.payload.text).toBe("Не понял. Что я умею — /help");
  });
});
