import { beforeEach, describe, expect, it } from "vitest";
import type { Message, User } from "grammy/types";
import { recordPaymentProof } from "../../src/bookings/payment-proof";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { addBookings } from "../helpers/fixtures";
import { buttonRows } from "../helpers/harness";
import { ADMIN, STRANGER, messageUpdate } from "../helpers/updates";

/**
 * /queue: receipts reviewed one at a time in an admin's private chat. Confirm or skip, and the
 * next receipt takes the place of this one in the same message; two admins never get the same
 * receipt; a booking changed elsewhere meanwhile is said and passed over.
 */
const ADMIN_2: User = { id: 1002, is_bot: false, first_name: "Борис", language_code: "ru" };
const { database, h } = useBotFixture({ env: { ADMIN_IDS: `${ADMIN.id},${ADMIN_2.id}` } });

const statusOf = async (id: number) => (await rawQuery(database, "SELECT confirmed FROM bookings WHERE id = $1", [id]))[0]!.confirmed;

/** Students who booked and sent a photo of the payment, oldest first; their booking ids. */
async function receipts(n: number, firstUserId: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const userId = firstUserId + i;
    const [id] = await addBookings(database.db, [{ userId, firstName: `Студент ${i + 1}`, username: `student_${i + 1}`, courseStream: "7th_stream" }]);
    await recordPaymentProof(database.db, { student: { id: userId, firstName: `Студент ${i + 1}` }, file: { kind: i % 2 ? "document" : "photo", fileId: `receipt-${userId}` } });
    ids.push(id!);
  }
  return ids;
}

const firstLine = (m: Message) => m.caption!.split("\n")[0];

beforeEach(async () => {
  await rawExec(database, "TRUNCATE bookings, payment_proofs, proof_queue, proof_queue_skips, outbox, events RESTART IDENTITY CASCADE");
});

describe("/queue", () => {
  it("walks the receipts oldest first in one message: confirm, skip, the skipped one again at the end, then empty", async () => {
    const [a, b, c] = await receipts(3, 50_001);
    const opened = await h.send("/queue");
    expect(opened.map((x) => x.method)).toEqual(["sendPhoto"]);
    const queue = h.lastSent();
    expect(queue.caption!.split("\n")).toEqual([
      `📥 <b>Чек по заявке #${a}</b> · ещё ждут: 2`,
      "Студент 1 · @student_1 · id <code>50001</code>",
      "Вайб кодинг · 7-й поток",
      expect.stringMatching(/^Прислан: \d\d\.\d\d\.\d{4} \d\d:\d\d$/),
      `Карточка: /b${a}`,
    ]);
    expect(buttonRows(queue.reply_markup)).toEqual([[`🟢 Подтвердить #${a}`, "⏭ Пропустить"]]);

    const confirmed = await h.press(queue, `🟢 Подтвердить #${a}`);
    expect(confirmed.map((x) => x.method)).toEqual(["editMessageMedia", "answerCallbackQuery"]);
    expect(confirmed[0]!.payload.media).toMatchObject({ type: "document", media: "receipt-50002" });
    expect(confirmed[1]!.payload.text).toBe(`🟢 Заявка #${a} подтверждена`);
    expect(await statusOf(a!)).toBe(2);
    // The student is told through the outbox, as from the card.
    expect(await rawQuery(database, "SELECT kind, chat_id::int AS chat FROM outbox WHERE booking_id = $1", [a])).toEqual([{ kind: "confirmation", chat: 50_001 }]);
    expect(firstLine(h.api.message(ADMIN.id, queue.message_id)!)).toBe(`📥 <b>Чек по заявке #${b}</b> · ещё ждут: 1`);

    const skipped = await h.press(queue, "⏭ Пропустить");
    expect(skipped[1]!.payload.text).toBe(`⏭ #${b} — в конец вашей очереди`);
    expect(firstLine(h.api.message(ADMIN.id, queue.message_id)!)).toBe(`📥 <b>Чек по заявке #${c}</b> · ещё ждут: 1`);
    await h.press(queue, `🟢 Подтвердить #${c}`);
    // Only the skipped one is left: it comes again.
    expect(firstLine(h.api.message(ADMIN.id, queue.message_id)!)).toBe(`📥 <b>Чек по заявке #${b}</b> · ещё ждут: 0`);
    await h.press(queue, `🟢 Подтвердить #${b}`);
    const empty = h.api.message(ADMIN.id, queue.message_id)!;
    expect(empty.caption).toBe(`🟢 Заявка #${b} подтверждена\n📭 Чеков на проверке нет.`);
    expect(buttonRows(empty.reply_markup)).toEqual([["🔄 Проверить снова"]]);
    expect([await statusOf(b!), await statusOf(c!)]).toEqual([2, 2]);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM proof_queue")).toEqual([{ n: 0 }]);

    // A new receipt later: "check again" brings it into the same message.
    const [d] = await receipts(1, 50_010);
    await h.press(empty, "🔄 Проверить снова");
    expect(firstLine(h.api.message(ADMIN.id, queue.message_id)!)).toBe(`📥 <b>Чек по заявке #${d}</b> · ещё ждут: 0`);
    // Nothing was sent as a new message while walking.
    expect(h.api.callsOf("sendPhoto").length + h.api.callsOf("sendDocument").length).toBe(1);
  });

  it("says so when nothing waits, and brings the first receipt when one comes", async () => {
    const none = await h.send("/queue");
    expect(none.map((x) => [x.method, x.payload.text])).toEqual([["sendMessage", "📭 Чеков на проверке нет."]]);
    expect(buttonRows(none[0]!.payload.reply_markup)).toEqual([["🔄 Проверить снова"]]);
    const [a] = await receipts(1, 50_101);
    const again = await h.press(h.lastSent(), "🔄 Проверить снова");
    expect(again.map((x) => x.method)).toEqual(["answerCallbackQuery", "sendPhoto"]);
    expect(again[1]!.payload.caption!.split("\n")[0]).toBe(`📥 <b>Чек по заявке #${a}</b> · ещё ждут: 0`);
  });

  it("two admins asking at the same moment get different receipts; with one waiting, one of them gets it", async () => {
    const [a, b] = await receipts(2, 50_201);
    const shown = async () => {
      const before = h.api.calls.length;
      await Promise.all([h.bot.handleUpdate(messageUpdate("/queue", ADMIN)), h.bot.handleUpdate(messageUpdate("/queue", ADMIN_2))]);
      return h.api.calls.slice(before).map((x) => [x.payload.chat_id, x.payload.caption?.split("\n")[0] ?? x.payload.text]);
    };
    const both = await shown();
    expect(new Set(both.map(([, line]) => line))).toEqual(new Set([`📥 <b>Чек по заявке #${a}</b> · ещё ждут: 1`, `📥 <b>Чек по заявке #${b}</b> · ещё ждут: 1`]));
    expect(new Set(both.map(([chat]) => chat))).toEqual(new Set([ADMIN.id, ADMIN_2.id]));

    await rawExec(database, `UPDATE bookings SET confirmed = 2 WHERE id = ${b}`);
    await rawExec(database, "UPDATE proof_queue SET claimed_by = NULL, claimed_until = NULL");
    const one = await shown();
    expect(one.map(([, line]) => line).sort()).toEqual([`📥 <b>Чек по заявке #${a}</b> · ещё ждут: 0`, "📭 Чеков на проверке нет."].sort());
  });

  it("a receipt whose booking changed elsewhere meanwhile: the press says so, nothing is confirmed twice, the next comes", async () => {
    const [a, b] = await receipts(2, 50_301);
    await h.send("/queue");
    const queue = h.lastSent();
    // The real dashboard confirms it while the admin looks at it.
    await rawExec(database, `UPDATE bookings SET confirmed = 2 WHERE id = ${a}`);
    const pressed = await h.press(queue, `🟢 Подтвердить #${a}`);
    expect(pressed[1]!.payload.text).toBe(`Заявку #${a} уже изменили: 🟢 Подтверждено`);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM outbox WHERE booking_id = $1", [a])).toEqual([{ n: 0 }]);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM events WHERE event_type = 'booking_status_changed' AND details->>'booking_id' = $1 AND details->>'new_status' = '2'", [String(a)])).toEqual([{ n: 0 }]);
    expect(firstLine(h.api.message(ADMIN.id, queue.message_id)!)).toBe(`📥 <b>Чек по заявке #${b}</b> · ещё ждут: 0`);
  });

  it("forged or stale buttons get the short notice and change nothing", async () => {
    const [a] = await receipts(1, 50_401);
    const [fresh] = await addBookings(database.db, [{ userId: 50_499, confirmed: 0 }]);
    await h.send("/queue");
    const queue = h.lastSent();
    for (const data of ["q:", "q:x", "q:c", "q:c:0", "q:c:01", "q:c:zzzzzzz", "q:s:", "q:n:1", "q:c:1:2"]) {
      const calls = await h.pressData(queue, data);
      expect(calls, data).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "Эта кнопка устарела. Откройте список заново: /bookings" }) }]);
    }
    // A well-formed press for a booking that never waited for review changes nothing either.
    const other = await h.pressData(queue, `q:c:${fresh!.toString(36)}`);
    expect(other.at(-1)!.payload.text).toBe(`Заявку #${fresh} уже изменили: ⚪ Новая заявка`);
    expect([await statusOf(a!), await statusOf(fresh!)]).toEqual([1, 0]);
  });

  it("is for admins only", async () => {
    await receipts(1, 50_501);
    expect((await h.send("/queue", STRANGER)).map((x) => x.payload.text)).toEqual(["⛔ Эта команда только для администраторов."]);
    expect(await h.pressData(h.lastSent(STRANGER.id), "q:n", STRANGER)).toEqual([
      { method: "answerCallbackQuery", payload: expect.objectContaining({ text: "⛔ Нет доступа" }) },
    ]);
  });
});
