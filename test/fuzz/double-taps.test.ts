import { afterEach, describe, expect, it } from "vitest";
import type { Message, User } from "grammy/types";
import { ru as t } from "../../src/bot/i18n";
import { rawQuery } from "../helpers/db";
import { buttonRows } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";
import { answers, expectAcceptableCalls, logWatch, sent } from "./answers";
import { useFuzzBot } from "./fuzz-bot";
import { STUDENT } from "./fuzz-data";

/**
 * Abuse the way real people do: a double tap sends the same button twice before the first
 * answer has changed the message. Each press must be answered once, the second one must not
 * reach the error boundary, and an action must happen once (one status change, one message to
 * the student, one broadcast).
 */

const { database, h, data } = useFuzzBot();
// A test that fails half-way must not leave its conversation to the next one.
afterEach(async () => {
  await h.send("/cancel");
});

const FAILURE_NOTICES: unknown[] = [t.somethingWentWrong, t.databaseUnavailable];

/** The button whose label starts with `label`, on the message as it now stands. */
function button(message: Message, label: string): string {
  const current = h.api.message(message.chat.id, message.message_id) ?? message;
  const found = current.reply_markup?.inline_keyboard.flat().find((b) => b.text.startsWith(label));
  if (!found || !("callback_data" in found)) throw new Error(`no button "${label}" in ${JSON.stringify(buttonRows(current.reply_markup))}`);
  return found.callback_data;
}

/** One press of the button whose label starts with `label`. */
const tap = (message: Message, label: string, from: User = ADMIN) =>
  h.pressData(h.api.message(message.chat.id, message.message_id) ?? message, button(message, label), from);

/** Two presses of the same button on the same message, the second before the first changed anything visible. */
async function doubleTap(message: Message, label: string, from: User = ADMIN) {
  const pressed = h.api.message(message.chat.id, message.message_id) ?? message;
  const d = button(pressed, label);
  const watch = logWatch(h);
  const first = await h.pressData(pressed, d, from);
  const second = await h.pressData(pressed, d, from);
  return { first, second, watch, from };
}

function expectBothAnswered({ first, second, watch, from }: Awaited<ReturnType<typeof doubleTap>>) {
  for (const calls of [first, second]) {
    expectAcceptableCalls(calls, from.id);
    expect(answers(calls), "one answerCallbackQuery per press").toHaveLength(1);
    expect(FAILURE_NOTICES).not.toContain(answers(calls)[0]!.payload.text);
  }
  watch.expectQuiet();
}

/** A double tap whose presses are both answered, once each, quietly (expectBothAnswered). */
async function doubleTapAnswered(message: Message, label: string, from: User = ADMIN) {
  const taps = await doubleTap(message, label, from);
  return taps;
}

const count = async (sql: string, params: unknown[] = []) => Number((await rawQuery(database, sql, params))[0]!.n);

/** An open card of a booking in this status (a new one per call, as a fresh /booking would show). */
async function cardOf(status: number): Promise<{ id: number; card: Message }> {
  const id = [...data.status].find(([id, s]) => s === status && data.owner.get(id) !== STUDENT.id && !used.has(id))![0];
  used.add(id);
  await h.send(`/booking ${id}`);
  return { id, card: h.lastSent() };
}
const used = new Set<number>();

describe("double taps on the list", () => {
  it.each(["↻ Обновить", "Старше ▶", "🟢 Подтверждённые", "⚪ Новые"])("%s", async (label) => {
    await h.send("/bookings");
    await doubleTapAnswered(h.lastSent(), label);
  });
});

describe("double taps on a booking card", () => {
  it("↻ Обновить", async () => {
    const { card } = await cardOf(1);
    await doubleTapAnswered(card, "↻ Обновить");
  });

  // Guards the card's question against Telegram's 400 "message is not modified" on the second, identical edit.
  it("🟢 Подтвердить (the question)", async () => {
    const { card } = await cardOf(0);
    await doubleTapAnswered(card, "🟢 Подтвердить");
  });

  it("✅ Да, подтвердить: confirmed once, one message to the student, the second tap says it already changed", async () => {
    const { id, card } = await cardOf(1);
    await tap(card, "🟢 Подтвердить");
    const taps = await doubleTapAnswered(card, "✅ Да, подтвердить");
    expect(answers(taps.second)[0]!.payload.text).toBe(t.card.staleShort);
    expect(await count("SELECT count(*) AS n FROM events WHERE details->>'booking_id' = $1::text AND details->>'new_status' = '2'", [id])).toBe(1);
    expect(await count("SELECT count(*) AS n FROM outbox WHERE booking_id = $1 AND kind = 'confirmation'", [id])).toBe(1);
    data.status.set(id, 2);
  });

  // Guards entering a conversation while one is active (the second tap once got "already entered" and a second answer).
  it("✍️ Указать причину", async () => {
    const { card } = await cardOf(0);
    await tap(card, "🔴 Отменить");
    await doubleTapAnswered(card, "✍️ Указать причину");
  });

  it("🔴 Да, отменить (with a reason): cancelled once, one message to the student", async () => {
    const { id, card } = await cardOf(2);
    await tap(card, "🔴 Отменить");
    await tap(card, "✍️ Указать причину");
    await h.send("нет оплаты");
    const question = h.lastSent();
    const taps = await doubleTap(question, "🔴 Да, отменить");
    expect(answers(taps.first)).toHaveLength(1);
    expect(answers(taps.second)).toHaveLength(1);
    taps.watch.expectQuiet();
    expect(await count("SELECT count(*) AS n FROM events WHERE details->>'booking_id' = $1::text AND details->>'new_status' = '-1'", [id])).toBe(1);
    expect(await count("SELECT count(*) AS n FROM outbox WHERE booking_id = $1 AND kind = 'cancellation'", [id])).toBe(1);
    data.status.set(id, -1);
  });
});

describe("double taps on /templates", () => {
  it("✏️ Подтверждение", async () => {
    await h.send("/templates");
    await doubleTapAnswered(h.lastSent(), "✏️ Подтверждение");
  });

  it("✏️ while /user waits for a student", async () => {
    await h.send("/templates");
    const list = h.lastSent();
    await h.send("/user");
    const watch = logWatch(h);
    const calls = await tap(list, "✏️ Напоминание");
    expect(answers(calls)).toHaveLength(1);
    expect(sent(calls).map((c) => c.payload.text)).toEqual([expect.stringMatching(/^Пришлите новый текст сообщения «Напоминание»/)]);
    watch.expectQuiet();
  });

  it("💾 Сохранить: saved once; ↺ По умолчанию asks twice, harmlessly", async () => {
    await h.send("/templates");
    await tap(h.lastSent(), "✏️ Отмена");
    await h.send("{first_name}, заявка отменена: {reason}");
    const save = await doubleTap(h.lastSent(), "💾 Сохранить");
    expect(answers(save.first)).toHaveLength(1);
    expect(answers(save.second)).toHaveLength(1);
    save.watch.expectQuiet();
    expect(await count("SELECT count(*) AS n FROM message_templates")).toBe(1);
    await h.send("/templates");
    await doubleTapAnswered(h.lastSent(), "↺ По умолчанию");
  });

  // Guards the reset's redraw against 400 "message is not modified" on the second tap (it once answered twice).
  it("↺ Да, вернуть", async () => {
    await h.send("/templates");
    await tap(h.lastSent(), "✏️ Напоминание");
    await h.send("Скоро старт: {start_date}");
    await tap(h.lastSent(), "💾 Сохранить");
    await h.send("/templates");
    await tap(h.lastSent(), "↺ По умолчанию");
    await doubleTapAnswered(h.lastSent(), "↺ Да, вернуть");
  });
});

describe("double taps in /broadcast", () => {
  it("status, group and 📨 Отправить: one broadcast, each student queued once", async () => {
    await h.send("/broadcast");
    const menu = h.lastSent();
    const status = await doubleTap(menu, "🟢 Подтверждённые");
    expect(answers(status.first)).toHaveLength(1);
    expect(answers(status.second)).toHaveLength(1);
    status.watch.expectQuiet();
    await tap(menu, "Все курсы и потоки");
    await h.send("Занятие переносится на завтра");
    const before = await count("SELECT count(*) AS n FROM outbox WHERE kind = 'broadcast'");
    const go = await doubleTap(h.lastSent(), "📨 Отправить");
    expect(answers(go.first)).toHaveLength(1);
    expect(answers(go.second)).toHaveLength(1);
    go.watch.expectQuiet();
    expect(await count("SELECT count(*) AS n FROM message_history WHERE message_text = 'Занятие переносится на завтра'")).toBe(1);
    const queued = await count("SELECT count(*) AS n FROM outbox WHERE kind = 'broadcast'");
    expect(queued - before).toBeGreaterThan(0);
    expect(await count("SELECT count(*) - count(DISTINCT chat_id) AS n FROM outbox WHERE kind = 'broadcast'")).toBe(0);
  });
});

describe("double taps by a student", () => {
  it("Мои заявки, and cancelling a booking: cancelled once", async () => {
    const taps = await doubleTapAnswered((await h.send("/start", STUDENT), h.lastSent(STUDENT.id)), "📋 Мои заявки", STUDENT);
  });

  it("booking a stream twice: one booking", async () => {
    const newcomer: User = { id: 424_000_001, is_bot: false, first_name: "Новенький" };
    await h.send("/start", newcomer);
    const taps = await doubleTap(h.lastSent(newcomer.id), "Вайб кодинг", newcomer);
    expect(answers(taps.first)).toHaveLength(1);
    expect(answers(taps.second)[0]!.payload.text).toBe(t.students.alreadyBooked);
    taps.watch.expectQuiet();
    expect(await count("SELECT count(*) AS n FROM bookings WHERE user_id = $1", [newcomer.id])).toBe(1);

    await tap(h.lastSent(newcomer.id), "📋 Мои заявки", newcomer);
    await tap(h.lastSent(newcomer.id), "Отменить заявку", newcomer);
    const cancel = await doubleTapAnswered(h.lastSent(newcomer.id), "Да, отменить", newcomer);
    expect(answers(cancel.second)[0]!.payload.text).toBe(t.students.cannotCancel);
    expect(await count("SELECT count(*) AS n FROM events WHERE user_id = $1 AND details->>'new_status' = '-1'", [newcomer.id])).toBe(1);
  });
});

describe("double taps on /courses and /coupons", () => {
  const audited = (action: string, target: string) => count("SELECT count(*) AS n FROM admin_actions WHERE action = $1 AND target = $2", [action, target]);

  it("opening enrolment twice: opened once, one audit row", async () => {
    await h.send("/courses");
    const screen = h.lastSent();
    // 8th_stream belongs to course 2 in the fuzz data.
    await tap(screen, "📚 Курс <script>");
    await tap(screen, "🔒 8-й");
    await doubleTapAnswered(screen, "🔓 Открыть запись");
    const yes = await doubleTapAnswered(screen, "🔓 Да, открыть");
    expect(answers(yes.second)[0]!.payload.text).toBe(t.courses.unchangedShort);
    expect(await audited("stream.open", "stream:8th_stream")).toBe(1);
  });

  it("adding a stream twice: one stream; creating a coupon twice: one coupon", async () => {
    await h.send("/courses");
    await tap(h.lastSent(), "📚 Вайб кодинг");
    await doubleTapAnswered(h.lastSent(), "➕ Новый поток");
    await tap(h.lastSent(), "✅ 9th_stream");
    await tap(h.lastSent(), "✅ 9-й поток");
    await h.send("15.01.2099".replace("2099", String(new Date().getFullYear() + 1)));
    const add = await doubleTapAnswered(h.lastSent(), "🔒 Добавить");
    expect(answers(add.second)[0]!.payload.text).toBe(t.courses.staleButton);
    expect(await count("SELECT count(*) AS n FROM streams WHERE code = '9th_stream'")).toBe(1);

    await h.send("/coupons");
    await doubleTapAnswered(h.lastSent(), "➕ Новый промокод");
    await tap(h.lastSent(), "50% × 5");
    await tap(h.lastSent(), "Без названия");
    await h.send("TWICE001");
    const create = await doubleTapAnswered(h.lastSent(), "✅ Создать");
    expect(await count("SELECT count(*) AS n FROM referral_coupons WHERE code = 'TWICE001'")).toBe(1);
    expect(await audited("coupon.create", "coupon:TWICE001")).toBe(1);
  });

  it("switching a coupon off twice: off once, one audit row", async () => {
    await h.send("/coupons");
    const list = h.lastSent();
    await tap(list, "🟢 FUZZ0001");
    await tap(list, "⛔ Выключить");
    await doubleTapAnswered(list, "⛔ Да, выключить");
    expect(await audited("coupon.deactivate", "coupon:FUZZ0001")).toBe(1);
  });
});
