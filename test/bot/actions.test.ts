import { beforeEach, describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { addBookings } from "../helpers/fixtures";
import { buttonRows } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";
import { expectScreen } from "../helpers/screens";

const SECOND_ADMIN: User = { id: 1002, is_bot: false, first_name: "Борис" };
const { database, h } = useBotFixture({
  env: { ADMIN_IDS: `${ADMIN.id},${SECOND_ADMIN.id}` },
  seed: (database) => rawExec(database, "UPDATE streams SET starts_at = '2026-12-01 16:00:00+00' WHERE code = '3rd_stream'"),
});
let id: number;
beforeEach(async () => {
  id = (await addBookings(database.db, [{ userId: 70_000 + Math.floor(Math.random() * 1e6), firstName: "Ира", confirmed: 0 }]))[0]!;
});

const outboxOf = (bookingId: number) =>
  rawQuery(database, "SELECT kind, chat_id, text, status FROM outbox WHERE booking_id = $1 ORDER BY id", [bookingId]);
/** Our status changes, read back from the real bot's `events` table where they are written. */
const eventsOf = (bookingId: number) =>
  rawQuery(
    database,
    `SELECT (details->>'actor_id')::int AS actor_id, (details->>'old_status')::int AS from_status, (details->>'new_status')::int AS to_status, details->>'reason' AS reason
     FROM events WHERE event_type = 'booking_status_changed' AND details->>'booking_id' = $1 ORDER BY id`,
    [String(bookingId)],
  );

async function openCard(from: User = ADMIN) {
  await h.send(`/booking ${id}`, from);
  return h.lastSent(from.id);
}

describe("actions on a booking card", () => {
  it("offers the actions its status allows", async () => {
    const card = await openCard();
    expect(buttonRows(card.reply_markup)).toEqual([["🟢 Подтвердить", "🟡 В ожидание", "🔴 Отменить"], ["↻ Обновить"], ["✉️ Написать"]]);
  });

  it("confirm asks once, then changes the status, writes the audit row and queues one message", async () => {
    const card = await openCard();
    const ask = await h.press(card, "🟢 Подтвердить");
    expectScreen(ask, [`❓ <b>Заявка #${id}</b> · ⚪ Новая заявка\nПодтвердить заявку? Студент получит сообщение о подтверждении.`], [["✅ Да, подтвердить", "↩ Назад"]]);
    expect(await eventsOf(id)).toEqual([]);

    const done = await h.press(card, "✅ Да, подтвердить");
    expect(done.map((c) => c.method)).toEqual(["editMessageText", "answerCallbackQuery"]);
    const text = done[0]!.payload.text!;
    expect(text.split("\n")[0]).toBe("✅ Готово: ⚪ Новая заявка → 🟢 Подтверждено. Студенту отправляется сообщение.");
    expect(text).toMatch(/<b>История<\/b>\n\d\d\.\d\d\.\d{4} \d\d:\d\d · ⚪ → 🟢 · Анна \(админ\)/);
    expect(text).toContain("<b>Сообщения студенту</b>\n⏳ Подтверждение · в очереди");
    expect(buttonRows(done[0]!.payload.reply_markup)).toEqual([["🔴 Отменить"], ["↻ Обновить"], ["✉️ Написать"]]);
    expect(done[1]!.payload).toMatchObject({ text: "Готово" });

    expect(await eventsOf(id)).toEqual([{ actor_id: ADMIN.id, from_status: 0, to_status: 2, reason: null }]);
    // In the real bot's format too, so its dashboard's activity views see the change.
    const real = await rawQuery(database, "SELECT user_id::int AS user_id, event_type, details FROM events WHERE details->>'booking_id' = $1 ORDER BY id", [String(id)]);
    expect(real).toEqual([
      {
        user_id: expect.any(Number),
        event_type: "booking_status_changed",
        details: {
          booking_id: id,
          old_status: 0,
          new_status: 2,
          old_status_name: "pending",
          new_status_name: "approved",
          username: "student0",
          first_name: "Ира",
          actor_id: ADMIN.id,
          actor_name: "Анна",
          actor_role: "admin",
          source: "admin_bot",
        },
      },
      { user_id: real[0]!.user_id, event_type: "payment_approved", details: { booking_id: id, approved_by: ADMIN.id, source: "admin_bot" } },
    ]);
    const [message, ...more] = await outboxOf(id);
    expect(more).toEqual([]);
    expect(message).toMatchObject({ kind: "confirmation", status: "queued", text: "Ира, ваша заявка подтверждена! 🎉\nКурс: Вайб кодинг, 3-й поток.\nСтарт: 01.12.2026 19:00.\nДо встречи на занятиях!" });
    expect(Number(message!.chat_id)).toBeGreaterThan(70_000);
  });

  it("a second press of the same confirmation changes nothing and says why", async () => {
    const card = await openCard();
    await h.press(card, "🟢 Подтвердить");
    // The same button pressed twice (a double tap, or a second device showing the old message).
    const question = structuredClone(h.api.message(card.chat.id, card.message_id)!);
    const yes = question.reply_markup!.inline_keyboard[0]![0]! as { callback_data: string };
    await h.pressData(question, yes.callback_data);
    const again = await h.pressData(question, yes.callback_data);
    expect(again[0]!.payload.text).toMatch(/^⚠️ Заявку уже изменили, пока вы смотрели/);
    expect(again[1]!.payload).toMatchObject({ text: "Заявку уже изменили", show_alert: true });
    expect(await eventsOf(id)).toHaveLength(1);
    expect(await outboxOf(id)).toHaveLength(1);
  });

  it("two admins confirming at the same moment: one change, one message, the other is told", async () => {
    const first = await openCard(ADMIN);
    const second = await openCard(SECOND_ADMIN);
    await h.press(first, "🟢 Подтвердить");
    await h.press(second, "🟢 Подтвердить");
    const start = h.api.calls.length;
    await Promise.all([
      h.press(h.api.message(first.chat.id, first.message_id)!, "✅ Да, подтвердить", ADMIN),
      h.press(h.api.message(second.chat.id, second.message_id)!, "✅ Да, подтвердить", SECOND_ADMIN),
    ]);
    const calls = h.api.calls.slice(start);
    const toasts = calls.filter((c) => c.method === "answerCallbackQuery").map((c) => c.payload.text).sort();
    expect(toasts).toEqual(["Готово", "Заявку уже изменили"]);
    expect(await eventsOf(id)).toHaveLength(1);
    expect(await outboxOf(id)).toHaveLength(1);
  });

  it("cancel with a reason typed in a conversation, then restore", async () => {
    const card = await openCard();
    await h.press(card, "🔴 Отменить");
    const question = h.api.message(card.chat.id, card.message_id)!;
    expect(buttonRows(question.reply_markup)).toEqual([["🔴 Отменить без причины"], ["✍️ Указать причину"], ["↩ Назад"]]);
    const asked = await h.press(question, "✍️ Указать причину");
    expect(asked.map((c) => c.method)).toEqual(["editMessageText", "answerCallbackQuery", "sendMessage"]);
    expect(asked[2]!.payload.text).toBe(`Напишите причину отмены заявки #${id} одним сообщением — её увидит студент. /cancel — не отменять.`);

    const shown = await h.send("нет оплаты <3 дней>");
    expect(shown[0]!.payload.text).toBe(`Отменить заявку #${id} с причиной:\n«нет оплаты &lt;3 дней&gt;»?`);
    expect(await eventsOf(id)).toEqual([]);

    const done = await h.press(h.lastSent(), "🔴 Да, отменить");
    expect(done[0]!.payload.text).toMatch(/^✅ Готово: ⚪ Новая заявка → 🔴 Отменено\. Студенту отправляется сообщение\./);
    expect(done[0]!.payload.text).toContain("· ⚪ → 🔴 · Анна (админ) · «нет оплаты &lt;3 дней&gt;»");
    expect(await eventsOf(id)).toEqual([{ actor_id: ADMIN.id, from_status: 0, to_status: -1, reason: "нет оплаты <3 дней>" }]);
    expect((await outboxOf(id))[0]).toMatchObject({
      kind: "cancellation",
      text: "Ира, ваша заявка на курс «Вайб кодинг» (3-й поток) отменена.\nПричина: нет оплаты <3 дней>.\nЕсли это ошибка — просто напишите нам.",
    });

    const cancelled = h.lastSent();
    expect(buttonRows(cancelled.reply_markup)).toEqual([["↩️ Восстановить"], ["↻ Обновить"], ["✉️ Написать"]]);
    await h.press(cancelled, "↩️ Восстановить");
    const restored = await h.press(h.api.message(cancelled.chat.id, cancelled.message_id)!, "✅ Да, восстановить");
    expect(restored[0]!.payload.text!.split("\n")[0]).toBe("✅ Готово: 🔴 Отменено → ⚪ Новая заявка.");
    expect(await outboxOf(id)).toHaveLength(1);
  });

  it("/cancel in the reason conversation leaves the booking as it was", async () => {
    const card = await openCard();
    await h.press(card, "🔴 Отменить");
    await h.press(h.api.message(card.chat.id, card.message_id)!, "✍️ Указать причину");
    expect((await h.send("/cancel"))[0]!.payload.text).toBe("Хорошо, заявку не отменяю.");
    expect(await eventsOf(id)).toEqual([]);
  });

  it("mark pending, then confirm: the history lists both", async () => {
    const card = await openCard();
    await h.press(card, "🟡 В ожидание");
    await h.press(h.api.message(card.chat.id, card.message_id)!, "✅ Да, в ожидание");
    await h.press(h.api.message(card.chat.id, card.message_id)!, "🟢 Подтвердить");
    const done = await h.press(h.api.message(card.chat.id, card.message_id)!, "✅ Да, подтвердить");
    expect(done[0]!.payload.text).toMatch(/· ⚪ → 🟡 · Анна \(админ\)\n.* · 🟡 → 🟢 · Анна \(админ\)/);
    expect((await outboxOf(id)).map((r) => r.kind)).toEqual(["confirmation"]);
  });

  it("forged or disallowed actions change nothing", async () => {
    const card = await openCard();
    const before = await rawQuery(database, "SELECT confirmed FROM bookings WHERE id = $1", [id]);
    for (const data of [`c:d:r:${id.toString(36)}:0`, `c:d:c:${id.toString(36)}:2`, "c:d:c:zzzzzzz:0", "c:d:q:1:0", `c:d:c:${id.toString(36)}:5`]) {
      const calls = await h.pressData(card, data);
      expect(calls.find((c) => c.method === "answerCallbackQuery"), data).toBeDefined();
    }
    expect(await rawQuery(database, "SELECT confirmed FROM bookings WHERE id = $1", [id])).toEqual(before);
    expect(await eventsOf(id)).toEqual([]);
    expect(await outboxOf(id)).toEqual([]);
  });
});
