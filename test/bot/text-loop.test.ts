import { describe, expect, it } from "vitest";
import type { Message } from "grammy/types";
import { ru as t } from "../../src/bot/i18n";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawQuery } from "../helpers/db";
import { addBookings } from "../helpers/fixtures";
import { buttonRows, type Harness } from "../helpers/harness";

/**
 * "Type a text → see a preview → confirm (or type again, or leave)" is one loop
 * (src/bot/conversation-input.ts confirmedText) under two conversations: a template's new
 * text and a cancel reason. The same promises hold for each, through the
 * real bot: only the last preview can be confirmed, a problem asks again, /cancel and the drop
 * button leave without doing anything, and nothing happens before the confirming press.
 */

const { database, h } = useBotFixture({
  seed: ({ db }) => addBookings(db, [{ userId: 701, confirmed: 2, courseStream: "7th_stream" }]),
});

type Loop = {
  /** Gets the conversation to its prompt, and says what it prompted. */
  open(): Promise<string>;
  prompt: string | RegExp;
  texts: [string, string];
  problem?: { text: string; answer: string };
  preview(text: string): string;
  buttons: [confirm: string, drop: string];
  left: string;
  /** The dropped preview is replaced by `left` (a question answered), or keeps its text and loses its buttons. */
  dropReplaces: boolean;
  /** What the confirmation did, as the database has it. */
  done(): Promise<unknown[]>;
};

let booking = 0;
const LOOPS: Record<string, Loop> = {
  "a template's text": {
    async open() {
      await h.send("/templates");
      return lastText(await h.press(h.lastSent(), "✏️ Напоминание"));
    },
    prompt: "Пришлите новый текст сообщения «Напоминание». Подстановки: {first_name}, {course}, {stream}, {start_date}. /cancel — отмена.",
    texts: ["Скоро старт, {first_name}", "Старт {start_date}, {first_name}!"],
    problem: {
      text: "Причина: {reason}",
      answer: "Неизвестные подстановки: {reason}. Можно: {first_name}, {course}, {stream}, {start_date}. Пришлите исправленный текст или /cancel.",
    },
    preview: (text) => `Так увидит студент:\n\n${text.replace("{first_name}", "Ира").replace("{start_date}", "01.12.2026 19:00")}`,
    buttons: ["💾 Сохранить", "✖️ Не сохранять"],
    left: "Отменено.",
    dropReplaces: false,
    done: () => rawQuery(database, "SELECT body FROM message_templates WHERE kind = 'reminder'"),
  },
  "a cancel reason": {
    async open() {
      booking = (await addBookings(database.db, [{ userId: 800 + booking, confirmed: 0 }]))[0]!;
      await h.send(`/booking ${booking}`);
      const card = h.lastSent();
      await h.press(card, "🔴 Отменить");
      return lastText(await h.press(h.api.message(card.chat.id, card.message_id)!, "✍️ Указать причину"));
    },
    prompt: /^Напишите причину отмены заявки #\d+ одним сообщением — её увидит студент\. \/cancel — не отменять\.$/,
    texts: ["нет оплаты", "  передумал <совсем>  "],
    preview: (text) => `Отменить заявку #${booking} с причиной:\n«${text.trim().replace("<", "&lt;").replace(">", "&gt;")}»?`,
    buttons: ["🔴 Да, отменить", "↩ Не отменять"],
    left: "Хорошо, заявку не отменяю.",
    dropReplaces: true,
    done: () => rawQuery(database, "SELECT details->>'reason' AS reason FROM events WHERE details->>'new_status' = '-1' ORDER BY id"),
  },
};

function lastText(calls: Awaited<ReturnType<Harness["send"]>>): string {
  return calls.filter((c) => c.method === "sendMessage").at(-1)!.payload.text as string;
}

const current = (message: Message) => h.api.message(message.chat.id, message.message_id)!;

describe.each(Object.entries(LOOPS))("%s", (_, loop) => {
  /** Opens the loop and previews its first text; `before` is what was done until then. */
  async function previewed() {
    const before = await loop.done();
    await loop.open();
    await h.send(loop.texts[0]);
    return { before, preview: h.lastSent() };
  }

  it("asks, previews, takes a new text instead, and does only the last one on confirm", async () => {
    const before = await loop.done();
    const prompt = await loop.open();
    if (typeof loop.prompt === "string") expect(prompt).toBe(loop.prompt);
    else expect(prompt).toMatch(loop.prompt);

    const [first, second] = loop.texts;
    expect(lastText(await h.send(first))).toBe(loop.preview(first));
    const old = h.lastSent();
    expect(buttonRows(old.reply_markup)).toEqual([loop.buttons]);
    const shown = await h.send(second);
    expect(lastText(shown)).toBe(loop.preview(second));
    const preview = h.lastSent();

    // The first preview is no longer the conversation's: its confirm does nothing.
    const stale = await h.press(old, loop.buttons[0]);
    expect(stale).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: t.staleButton }) }]);
    expect(await loop.done()).toEqual(before);

    await h.press(preview, loop.buttons[0]);
    const after = await loop.done();
    expect(after).toHaveLength(before.length + 1);
    expect(JSON.stringify(after.at(-1))).toContain(JSON.stringify(second.trim()).slice(1, -1));
    expect(buttonRows(current(preview).reply_markup)).not.toContainEqual(loop.buttons);
    expect((await h.send("hello"))[0]!.payload.text, "the conversation is over").toBe(t.notUnderstood);
  });

  // (A cancel reason takes any text: only the loops with a validator have this case.)
  if (loop.problem) it("names a problem and waits for a better text", async () => {
    if (!loop.problem) return;
    const before = await loop.done();
    await loop.open();
    expect((await h.send(loop.problem.text)).map((c) => c.payload.text)).toEqual([loop.problem.answer]);
    expect(lastText(await h.send(loop.texts[0]))).toBe(loop.preview(loop.texts[0]));
    expect((await h.send("/cancel"))[0]!.payload.text).toBe(loop.left);
    expect(await loop.done()).toEqual(before);
  });

  it("the drop button leaves, says so, and does nothing", async () => {
    const { before, preview } = await previewed();
    const dropped = await h.press(preview, loop.buttons[1]);
    expect(dropped.filter((c) => c.method === "answerCallbackQuery")).toHaveLength(1);
    if (loop.dropReplaces) {
      expect(current(preview)).toMatchObject({ text: loop.left });
      expect(current(preview).reply_markup).toBeUndefined();
    } else {
      expect(current(preview).text).toBe(loop.preview(loop.texts[0]));
      expect(current(preview).reply_markup).toBeUndefined();
      expect(lastText(dropped)).toBe(loop.left);
    }
    expect(() => h.press(preview, loop.buttons[0]), "no button left to confirm").toThrow(/no button/);
    expect(await loop.done()).toEqual(before);
  });

  it("/cancel after a preview leaves; the preview's confirm is stale then", async () => {
    const { before, preview } = await previewed();
    expect((await h.send("/cancel")).map((c) => c.payload.text)).toEqual([loop.left]);
    const late = await h.press(preview, loop.buttons[0]);
    expect(late).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: t.staleButton }) }]);
    expect(await loop.done()).toEqual(before);
  });
});
