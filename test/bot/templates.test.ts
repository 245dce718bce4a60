import { describe, expect, it } from "vitest";
import type { Message } from "grammy/types";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawQuery } from "../helpers/db";
import { addBookings } from "../helpers/fixtures";
import { buttonRows } from "../helpers/harness";

const { database, h } = useBotFixture();

describe("/templates", () => {
  it("lists the texts students get, all defaults at first", async () => {
    const calls = await h.send("/templates");
    expect(calls[0]!.payload.text).toBe(
      [
        "✉️ <b>Сообщения студентам</b>",
        "<b>Подтверждение</b> (по умолчанию)\n<blockquote>{first_name}, ваша заявка подтверждена! 🎉\nКурс: {course}, {stream}.\nСтарт: {start_date}.\nДо встречи на занятиях!</blockquote>",
        "<b>Отмена</b> (по умолчанию)\n<blockquote>{first_name}, ваша заявка на курс «{course}» ({stream}) отменена.\nПричина: {reason}.\nЕсли это ошибка — просто напишите нам.</blockquote>",
        "<b>Напоминание</b> (по умолчанию)\n<blockquote>{first_name}, напоминаем: курс «{course}» ({stream}) стартует {start_date}. До встречи!</blockquote>",
        "<b>Как оплатить</b> (по умолчанию)\n<blockquote>{first_name}, чтобы закрепить место на курсе «{course}» ({stream}), оплатите {price}.\nРеквизиты — ниже. После оплаты пришлите сюда фото или скриншот чека (или PDF-файл): мы проверим оплату и подтвердим заявку.</blockquote>",
        "<b>Реквизиты</b> (по умолчанию)\n<blockquote>Реквизиты для оплаты уточняются — напишите нам, и мы пришлём их.</blockquote>",
      ].join("\n\n"),
    );
    expect(buttonRows(calls[0]!.payload.reply_markup)).toEqual([["✏️ Подтверждение"], ["✏️ Отмена"], ["✏️ Напоминание"], ["✏️ Как оплатить"], ["✏️ Реквизиты"]]);
  });

  it("edits a text: refuses bad placeholders, previews, saves, and new messages use it", async () => {
    await h.send("/templates");
    const ask = await h.press(h.lastSent(), "✏️ Подтверждение");
    expect(ask[1]!.payload.text).toBe(
      "Пришлите новый текст сообщения «Подтверждение». Подстановки: {first_name}, {course}, {stream}, {start_date}. /cancel — отмена.",
    );
    const bad = await h.send("Привет, {name}! {reason}");
    expect(bad[0]!.payload.text).toBe(
      "Неизвестные подстановки: {name}, {reason}. Можно: {first_name}, {course}, {stream}, {start_date}. Пришлите исправленный текст или /cancel.",
    );
    const preview = await h.send("Привет, {first_name}! <Старт> {start_date} & всё");
    expect(preview[0]!.payload).toMatchObject({ text: "Так увидит студент:\n\nПривет, Ира! <Старт> 01.12.2026 19:00 & всё" });
    expect(preview[0]!.payload.parse_mode).toBeUndefined();
    expect(buttonRows(preview[0]!.payload.reply_markup)).toEqual([["💾 Сохранить", "✖️ Не сохранять"]]);
    expect(await rawQuery(database, "SELECT body FROM message_templates")).toEqual([]);

    const saved = await h.press(h.lastSent(), "💾 Сохранить");
    expect(saved.at(-1)!.payload.text).toBe("✅ Текст «Подтверждение» сохранён. Новые сообщения пойдут с ним.");
    expect(await rawQuery(database, "SELECT kind, body, updated_by::int AS by FROM message_templates")).toEqual([
      { kind: "confirmation", body: "Привет, {first_name}! <Старт> {start_date} & всё", by: 1001 },
    ]);

    const [id] = await addBookings(database.db, [{ firstName: "Оля", confirmed: 1 }]);
    await h.send(`/booking ${id}`);
    await h.press(h.lastSent(), "🟢 Подтвердить");
    await h.press(h.lastSent(), "✅ Да, подтвердить");
    expect(await rawQuery(database, "SELECT text FROM outbox WHERE booking_id = $1", [id])).toEqual([
      { text: "Привет, Оля! <Старт> уточняется & всё" },
    ]);
  });

  it("resets an edited text to the default after one more press", async () => {
    const list = await h.send("/templates");
    expect(list[0]!.payload.text).toContain("<b>Подтверждение</b> (изменён)\n<blockquote>Привет, {first_name}! &lt;Старт&gt;");
    expect(buttonRows(list[0]!.payload.reply_markup)[0]).toEqual(["✏️ Подтверждение", "↺ По умолчанию"]);
    const ask = await h.press(h.lastSent(), "↺ По умолчанию");
    expect(ask[1]!.payload.text).toBe("Вернуть сообщению «Подтверждение» текст по умолчанию?");
    expect(buttonRows(ask[1]!.payload.reply_markup)).toEqual([["↺ Да, вернуть"], ["↩ Назад"]]);
    expect(await rawQuery(database, "SELECT kind FROM message_templates")).toEqual([{ kind: "confirmation" }]);
    await h.press(h.lastSent(), "↺ Да, вернуть");
    expect(await rawQuery(database, "SELECT body FROM message_templates")).toEqual([]);
    expect(h.lastSent().text).toContain("<b>Подтверждение</b> (по умолчанию)");
  });

  it("/cancel while editing changes nothing; forged buttons are stale", async () => {
    await h.send("/templates");
    await h.press(h.lastSent(), "✏️ Отмена");
    expect((await h.send("/cancel"))[0]!.payload.text).toBe("Отменено.");
    for (const data of ["t:e:q", "t:X:c", "t:R:"]) {
      const calls = await h.pressData(h.lastSent(), data);
      expect(calls[0]!.payload).toMatchObject({ text: "Эта кнопка устарела. Откройте список заново: /bookings" });
    }
    expect(await rawQuery(database, "SELECT body FROM message_templates")).toEqual([]);
  });
});

describe("the /templates menu", () => {
  const OUTDATED = "Эта кнопка устарела: вот сообщения, какие они сейчас.";
  const current = (message: Message) => h.api.message(message.chat.id, message.message_id)!;
  const bodies = () => rawQuery(database, "SELECT kind, body FROM message_templates ORDER BY kind");

  async function save(name: string, text: string) {
    await h.send("/templates");
    await h.press(h.lastSent(), `✏️ ${name}`);
    await h.send(text);
    await h.press(h.lastSent(), "💾 Сохранить");
  }

  it("↩ Назад on the question: the list again, nothing reset", async () => {
    await save("Отмена", "Отменено: {reason}");
    await h.send("/templates");
    const list = h.lastSent();
    await h.press(list, "↺ По умолчанию");
    const back = await h.press(current(list), "↩ Назад");
    expect(back.map((c) => c.method)).toEqual(["answerCallbackQuery", "editMessageText"]);
    expect(current(list).text).toBe(list.text);
    expect(buttonRows(current(list).reply_markup)).toEqual([["✏️ Подтверждение"], ["✏️ Отмена", "↺ По умолчанию"], ["✏️ Напоминание"], ["✏️ Как оплатить"], ["✏️ Реквизиты"]]);
    expect(await bodies()).toEqual([{ kind: "cancellation", body: "Отменено: {reason}" }]);
  });

  it("\"yes\" on a question about a text that changed since is outdated: nothing reset, the list as it is now", async () => {
    await h.send("/templates");
    const question = h.lastSent();
    await h.press(question, "↺ По умолчанию");
    await save("Отмена", "Отмена заявки: {reason}");
    const pressed = await h.press(current(question), "↺ Да, вернуть");
    expect(pressed.map((c) => c.method)).toEqual(["answerCallbackQuery", "editMessageText"]);
    expect(pressed[0]!.payload).toMatchObject({ text: OUTDATED });
    expect(current(question).text).toContain("<b>Отмена</b> (изменён)\n<blockquote>Отмена заявки: {reason}</blockquote>");
    expect(buttonRows(current(question).reply_markup)).toEqual([["✏️ Подтверждение"], ["✏️ Отмена", "↺ По умолчанию"], ["✏️ Напоминание"], ["✏️ Как оплатить"], ["✏️ Реквизиты"]]);
    expect(await bodies()).toEqual([{ kind: "cancellation", body: "Отмена заявки: {reason}" }]);
  });

  it("a list drawn before a template was reset is outdated: no conversation starts, the list is drawn as it is now", async () => {
    await h.send("/templates");
    const old = h.lastSent();
    await h.send("/templates");
    await h.press(h.lastSent(), "↺ По умолчанию");
    await h.press(h.lastSent(), "↺ Да, вернуть");
    expect(await bodies()).toEqual([]);

    const pressed = await h.press(current(old), "✏️ Напоминание");
    expect(pressed.map((c) => c.method)).toEqual(["answerCallbackQuery", "editMessageText"]);
    expect(pressed[0]!.payload).toMatchObject({ text: OUTDATED });
    expect(current(old).text).toContain("<b>Отмена</b> (по умолчанию)");
    expect(buttonRows(current(old).reply_markup)).toEqual([["✏️ Подтверждение"], ["✏️ Отмена"], ["✏️ Напоминание"], ["✏️ Как оплатить"], ["✏️ Реквизиты"]]);
    expect((await h.send("hello"))[0]!.payload.text, "no conversation was entered").toBe("Не понял. Что я умею — /help");
  });

  it("after /lang en a list in Russian is outdated, and is drawn again in English", async () => {
    await h.send("/templates");
    const list = h.lastSent();
    await h.send("/lang en");
    try {
      const pressed = await h.press(list, "✏️ Подтверждение");
      expect(pressed[0]!.payload).toMatchObject({ text: "This button is outdated: here are the messages as they are now." });
      expect(current(list).text).toMatch(/^✉️ <b>Messages to students<\/b>/);
      expect(buttonRows(current(list).reply_markup)).toEqual([["✏️ Confirmation"], ["✏️ Cancellation"], ["✏️ Reminder"], ["✏️ How to pay"], ["✏️ Payment details"]]);
    } finally {
      await h.send("/lang ru");
    }
  });

  it("menu data no press of the bot's could carry changes nothing", async () => {
    await save("Напоминание", "Скоро: {start_date}");
    await h.send("/templates");
    const list = h.lastSent();
    for (const data of ["t/0/0//hxxxx", "t/2/1//f", "t-r/0/0//fxxxx", "t-r/7/0//hxxxx"]) {
      const calls = await h.pressData(current(list), data);
      expect(calls.filter((c) => c.method === "answerCallbackQuery").map((c) => c.payload.text), data).toEqual([OUTDATED]);
    }
    // @grammyjs/menu 1.5 itself throws on a negative or unreadable position of one of its menus,
    // before any handler of ours: the error boundary answers (once), and nothing changes.
    for (const data of ["t/-1/0//hxxxx", "t/x/0//hxxxx", "t-r/-1/0//fxxxx"]) {
      const calls = await h.pressData(current(list), data);
      expect(calls, data).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: "⚠️ Что-то пошло не так. Подробности в журнале бота." }) }]);
    }
    expect(await bodies()).toEqual([{ kind: "reminder", body: "Скоро: {start_date}" }]);
  });
});
