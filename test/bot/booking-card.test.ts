import { describe, expect, it } from "vitest";
import { useBotFixture } from "../helpers/bot-fixture";
import { addBookings, addUser } from "../helpers/fixtures";
import { expectScreen } from "../helpers/screens";

const { h } = useBotFixture({
  seed: async ({ db }) => {
    await addUser(db, { userId: 9001, username: "petr", firstName: "Пётр", lastName: "Сидоров", firstSeenAt: new Date("2026-10-30T21:05:00Z") });
    await addBookings(db, [
      { userId: 9001, username: "petr", firstName: "Пётр", confirmed: 1, courseStream: "5th_stream", referralCode: "VIBE15", discountPercent: 15 },
      { userId: 9002, username: null, firstName: "<b>Эве & Ко</b>", confirmed: 0, courseId: null, courseStream: null },
    ]);
  },
});

describe("/booking", () => {
  it("shows the full card", async () => {
    const calls = await h.send("/booking 1");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.payload).toMatchObject({ parse_mode: "HTML" });
    expectScreen(calls, [
      "<b>Заявка #1</b>",
      "🟡 В ожидании",
      "Создана: 01.11.2026 12:00",
      "",
      "👤 Пётр Сидоров · @petr · id <code>9001</code>",
      "Впервые в боте: 31.10.2026 00:05",
      "Все заявки студента: /u9001",
      "",
      "📚 Курс: Вайб кодинг (#1)",
      "🗓 Поток: 5-й поток (<code>5th_stream</code>)",
      "💸 скидка 15% (<code>VIBE15</code>)",
    ]);
  });

  it("opens from the /b link of a list, escaping what students typed", async () => {
    expectScreen(await h.send("/b2"), [
      "<b>Заявка #2</b>",
      "⚪ Новая заявка",
      "Создана: 01.11.2026 12:01",
      "",
      "👤 &lt;b&gt;Эве &amp; Ко&lt;/b&gt; · без @username · id <code>9002</code>",
      "Впервые в боте: 01.11.2026 12:01",
      "Все заявки студента: /u9002",
      "",
      "📚 Курс: —",
      "🗓 Поток: —",
      "💸 без скидки",
    ]);
  });

  it("answers wrong and unknown ids clearly", async () => {
    expect((await h.send("/booking"))[0]!.payload.text).toBe("Укажите номер заявки, например: /booking 123");
    expect((await h.send("/booking abc"))[0]!.payload.text).toBe("Укажите номер заявки, например: /booking 123");
    expect((await h.send("/booking 99999999999"))[0]!.payload.text).toBe("Укажите номер заявки, например: /booking 123");
    expect((await h.send("/booking 404"))[0]!.payload.text).toBe("Заявка #404 не найдена.");
    expect((await h.send("/b404"))[0]!.payload.text).toBe("Заявка #404 не найдена.");
  });
});
