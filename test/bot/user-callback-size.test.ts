import { expect, it } from "vitest";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec } from "../helpers/db";
import type { Harness } from "../helpers/harness";

const BIG_USER = Number.MAX_SAFE_INTEGER;

// The largest ids there can be: a student id at JS's safe-integer limit, booking ids at the
// top of PostgreSQL's serial range, and a deep offset.
const { h } = useBotFixture({
  env: { PAGE_SIZE: "1" },
  seed: (database) =>
    rawExec(
      database,
      `INSERT INTO bookings (id, user_id, username, first_name, course_id, course_stream, confirmed, created_at)
       SELECT 2147483647 - g, ${BIG_USER}, 'u', 'n', 1, 's' || g, g % 4 - 1, now() - g * interval '1 minute'
       FROM generate_series(0, 59) g`,
    ),
});

it("every button's callback_data fits Telegram's 64 bytes, whatever the ids and the filter", async () => {
  const sizes: number[] = [];
  const check = (message: ReturnType<Harness["lastSent"]>) => {
    for (const button of message.reply_markup?.inline_keyboard.flat() ?? []) {
      sizes.push(Buffer.byteLength((button as { callback_data: string }).callback_data));
    }
  };
  for (const filter of ["Все", "⚪ Новые", "🟡 В ожидании", "🟢 Подтверждённые", "🔴 Отменённые"]) {
    await h.send(`/user ${BIG_USER}`);
    const message = h.lastSent();
    const label = message.reply_markup!.inline_keyboard.flat().find((b) => b.text.replace(/^✓ /, "").startsWith(filter))!.text;
    await h.press(message, label);
    for (let page = 0; page < 14; page++) {
      check(h.api.message(message.chat.id, message.message_id)!);
      await h.press(message, "Старше ▶");
    }
  }
  expect(sizes.length).toBeGreaterThan(500);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(64);
});
