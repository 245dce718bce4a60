import { expect, it } from "vitest";
import type { Message } from "grammy/types";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec } from "../helpers/db";

const MAX_SERIAL = 2_147_483_647;
const LONGEST_CODE = `${"x".repeat(40)}_stream_9`;

// The largest ids there can be (course and coupon at the top of the serial range) and the
// longest stream code varchar(50) holds: every button of /courses and /coupons, pressed, fits 64 bytes.
const { h } = useBotFixture({
  course: false,
  seed: (database) =>
    rawExec(
      database,
      `INSERT INTO courses (id, name, is_active) VALUES (${MAX_SERIAL}, 'Курс', true);
       INSERT INTO streams (code, title, course_id, is_open) VALUES ('${LONGEST_CODE}', 'Длинный', ${MAX_SERIAL}, false);
       INSERT INTO referral_coupons (id, code, discount_percent, max_activations, created_by) VALUES (${MAX_SERIAL}, 'MAXID000', 10, 50, 1);
       INSERT INTO referral_coupons (id, code, discount_percent, max_activations, created_by)
         SELECT ${MAX_SERIAL} - g, 'C' || lpad(g::text, 7, '0'), 10, 50, 1 FROM generate_series(1, 30) g;`,
    ),
});

it("every /courses and /coupons button fits Telegram's 64 bytes at the largest ids and the longest code", async () => {
  const sizes: number[] = [];
  const check = (message: Message) => {
    const current = h.api.message(message.chat.id, message.message_id)!;
    for (const button of current.reply_markup?.inline_keyboard.flat() ?? []) sizes.push(Buffer.byteLength((button as { callback_data: string }).callback_data));
  };
  /** Presses these buttons one after another on the screen `command` sends, measuring every button on the way. */
  const walk = async (command: string, labels: string[]) => {
    await h.send(command);
    const screen = h.lastSent();
    for (const label of labels) {
      check(screen);
      await h.press(screen, label);
    }
    check(screen);
  };
  await walk("/courses", ["📚 Курс", "🔒 Длинный", "🔓 Открыть запись", "🔓 Да, открыть", "↩ К курсу", "⏸ Деактивировать", "⏸ Да, деактивировать"]);
  await walk("/coupons", ["Старше ▶", "Старше ▶", "◀ Новее", "🟢 C0000011 · 10% · 0/50", "⛔ Выключить", "⛔ Да, выключить", "↩ К списку"]);
  expect(sizes.length).toBeGreaterThan(40);
  expect(Math.max(...sizes)).toBe(Buffer.byteLength(`cs:X:${LONGEST_CODE}`));
  expect(Math.max(...sizes)).toBeLessThanOrEqual(64);
});
