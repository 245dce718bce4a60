import { describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { composeDigest } from "../../src/bot/digest";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { BOT_INFO } from "../helpers/fake-telegram";
import { buttonRows } from "../helpers/harness";
import { FAST, deliverAll, testWorker } from "../delivery/helpers";
import { expectScreen } from "../helpers/screens";

/**
 * Under load the admin group (20 messages a minute) gets one message for the new bookings that
 * queued up meanwhile, a line and a button each; alone, a booking still gets its card.
 */
const GROUP = -1_001_234_000_001;
const { database, h } = useBotFixture({
  env: { ADMIN_CHAT_ID: String(GROUP) },
  seed: (database) => rawExec(database, "UPDATE streams SET is_open = true, starts_at = '2026-12-01 16:00:00+00' WHERE code = '7th_stream'"),
});

const student = (i: number): User => ({ id: 60_000 + i, is_bot: false, first_name: `Студент${i}`, username: i % 2 ? `s${i}` : undefined, language_code: "ru" });

async function book(who: User): Promise<number> {
  await h.send("/start", who);
  await h.press(h.lastSent(who.id), "Вайб кодинг · 7-й поток · старт 01.12", who);
  return Number((await rawQuery(database, "SELECT max(id) AS id FROM bookings WHERE user_id = $1", [who.id]))[0]!.id);
}

describe("new bookings in the admin group", () => {
  it("queued up meanwhile, they go out as one digest with a button to each card", async () => {
    const ids: number[] = [];
    for (let i = 1; i <= 5; i++) ids.push(await book(student(i)));
    const worker = testWorker(database.db, h.api, FAST, { digest: composeDigest({ config: h.deps.config, db: database.db, botUsername: BOT_INFO.username }) });
    await deliverAll(worker);
    const toGroup = h.api.calls.filter((c) => c.payload.chat_id === GROUP);
    expect(toGroup.map((c) => c.method)).toEqual(["sendMessage"]);
    expectScreen(toGroup, [
      "🆕 <b>Новые заявки: 5</b> — нажмите номер, чтобы открыть карточку",
      ...ids.map((id, i) => `#${id} · Студент${i + 1} ${i % 2 ? "без @username" : `@s${i + 1}`} · 7-й поток`),
    ]);
    expect(toGroup[0]!.payload.reply_markup!.inline_keyboard).toEqual([ids.map((id) => ({ text: `#${id}`, url: `https://t.me/${BOT_INFO.username}?start=b${id}` }))]);
    const rows = await rawQuery(database, "SELECT status, merged_into FROM outbox WHERE kind = 'admin_notice' ORDER BY id");
    const head = (await rawQuery(database, "SELECT id FROM outbox WHERE kind = 'admin_notice' AND status = 'sent'"))[0]!.id;
    expect(rows).toEqual([{ status: "sent", merged_into: null }, ...Array(4).fill({ status: "merged", merged_into: head })]);

    // The button's link opens the card in the admin's private chat.
    const card = await h.send(`/start b${ids[2]}`);
    expect(card[0]!.payload.text).toMatch(new RegExp(`^<b>Заявка #${ids[2]}</b>`));

    // One booking alone is the usual notice with the card's buttons.
    const alone = await book(student(9));
    await deliverAll(worker);
    const notice = h.api.calls.filter((c) => c.payload.chat_id === GROUP).at(-1)!;
    expect(notice.payload.text!.split("\n")[0]).toBe(`🆕 <b>Новая заявка #${alone}</b>`);
    expect(buttonRows(notice.payload.reply_markup)).toEqual([["🟢 Подтвердить", "🟡 В ожидание", "🔴 Отменить"], ["↻ Обновить"]]);
  });
});
