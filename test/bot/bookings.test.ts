import { describe, expect, it } from "vitest";
import { useBotFixture } from "../helpers/bot-fixture";
import { addBookings } from "../helpers/fixtures";
import { buttonRows } from "../helpers/harness";
import { expectScreen } from "../helpers/screens";

// Seven bookings a minute apart (ids 1..7, #7 newest), statuses cycling new → pending → confirmed → cancelled.
const { database, h } = useBotFixture({
  env: { PAGE_SIZE: "3" },
  seed: ({ db }) => addBookings(db, Array.from({ length: 7 }, (_, i) => ({ confirmed: ([0, 1, 2, -1] as const)[i % 4] }))),
});

const entry = (id: number, status: string, minute: number, i: number) =>
  `${status} · /b${id} · 01.11.2026 12:${String(minute).padStart(2, "0")}\n` +
  `Студент ${i} · @student${i} · id <code>${5000 + i}</code>\n` +
  "Вайб кодинг · 3-й поток";

/** The lines of a /bookings page: its filter, the range shown and the entries. */
const page = (filter: string, range: string, entries: string[]) => ["📋 <b>Заявки</b>", `Фильтр: <b>${filter}</b> · ${range}`, "", entries.join("\n\n")];

describe("/bookings", () => {
  it("shows the newest page with filters, counts and paging buttons", async () => {
    const calls = await h.send("/bookings");
    expect(calls.map((c) => c.method)).toEqual(["sendMessage"]);
    expect(calls[0]!.payload.parse_mode).toBe("HTML");
    expectScreen(calls, page("Все", "1–3 из 7", [entry(7, "🟢 Подтверждено", 6, 6), entry(6, "🟡 В ожидании", 5, 5), entry(5, "⚪ Новая заявка", 4, 4)]), [
      ["✓ Все 7", "⚪ Новые 2", "🟡 В ожидании 2"],
      ["🟢 Подтверждённые 2", "🔴 Отменённые 1"],
      ["·", "↻ Обновить", "Старше ▶"],
    ]);
  });

  it("pages to the oldest booking and back, editing the same message", async () => {
    await h.send("/bookings");
    const message = h.lastSent();

    const second = await h.press(message, "Старше ▶");
    expect(second.map((c) => c.method)).toEqual(["editMessageText", "answerCallbackQuery"]);
    expect(second[0]!.payload.message_id).toBe(message.message_id);
    expect(second[0]!.payload.text).toContain("Фильтр: <b>Все</b> · 4–6 из 7");
    expect(second[0]!.payload.text).toMatch(/\/b4 [^]*\/b3 [^]*\/b2 /);
    expect(buttonRows(second[0]!.payload.reply_markup)[2]).toEqual(["◀ Новее", "↻ Обновить", "Старше ▶"]);

    const last = await h.press(message, "Старше ▶");
    expectScreen(last, page("Все", "7–7 из 7", [entry(1, "⚪ Новая заявка", 0, 0)]));
    expect(buttonRows(last[0]!.payload.reply_markup)[2]).toEqual(["◀ Новее", "↻ Обновить", "·"]);

    const edge = await h.press(message, "·");
    expect(edge).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "Старше заявок нет" }) }]);

    const back = await h.press(message, "◀ Новее");
    expect(back[0]!.payload.text).toBe(second[0]!.payload.text);
    const top = await h.press(message, "◀ Новее");
    expect(top[0]!.payload.text).toContain("Фильтр: <b>Все</b> · 1–3 из 7");
    expect(buttonRows(top[0]!.payload.reply_markup)[2]).toEqual(["·", "↻ Обновить", "Старше ▶"]);
    const newest = await h.press(message, "·");
    expect(newest[0]!.payload).toMatchObject({ text: "Новее заявок нет" });
  });

  it("filters by status from a button, marking the active filter", async () => {
    await h.send("/bookings");
    const calls = await h.press(h.lastSent(), "🟡 В ожидании 2");
    expectScreen(calls, page("В ожидании", "1–2 из 2", [entry(6, "🟡 В ожидании", 5, 5), entry(2, "🟡 В ожидании", 1, 1)]), [
      ["Все 7", "⚪ Новые 2", "✓ 🟡 В ожидании 2"],
      ["🟢 Подтверждённые 2", "🔴 Отменённые 1"],
      ["·", "↻ Обновить", "·"],
    ]);
  });

  it("takes the filter as an argument too", async () => {
    const calls = await h.send("/bookings cancelled");
    expect(calls[0]!.payload.text).toContain("Фильтр: <b>Отменённые</b> · 1–1 из 1");
    const bad = await h.send("/bookings everything");
    expect(bad[0]!.payload.text).toBe(
      "Неизвестный фильтр. Можно: /bookings, /bookings new, /bookings pending, /bookings confirmed, /bookings cancelled",
    );
  });

  it("refresh shows new bookings and fresh counts; an unchanged refresh is quiet", async () => {
    await h.send("/bookings confirmed");
    const message = h.lastSent();
    const same = await h.press(message, "↻ Обновить");
    // Telegram answers "message is not modified"; the admin just sees the spinner stop.
    expect(same.map((c) => c.method)).toEqual(["editMessageText", "answerCallbackQuery"]);
    expect(same[1]!.payload.text).toBeUndefined();

    const [id] = await addBookings(database.db, [{ confirmed: 2, createdAt: new Date("2026-11-02T10:00:00Z"), userId: 5100, username: "late", firstName: "Поздний" }]);
    const fresh = await h.press(message, "↻ Обновить");
    expect(fresh[0]!.payload.text).toContain(`Фильтр: <b>Подтверждённые</b> · 1–3 из 3\n\n🟢 Подтверждено · /b${id} · 02.11.2026 13:00`);
    expect(buttonRows(fresh[0]!.payload.reply_markup)[0]).toEqual(["Все 8", "⚪ Новые 2", "🟡 В ожидании 2"]);
  });
});
