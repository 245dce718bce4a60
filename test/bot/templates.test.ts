import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, rawQuery, type TestDatabase } from "../helpers/db";
import { addBookings, addCourse } from "../helpers/fixtures";
import { buttonRows, createHarness, type Harness } from "../helpers/harness";

let database: TestDatabase;
let h: Harness;

beforeAll(async () => {
  database = await createTestDatabase();
  await addCourse(database.db);
  h = await createHarness(database.db);
});
afterAll(async () => {
  await h?.close();
  await database?.dispose();
});

describe("/templates", () => {
  it("lists the texts students get, all defaults at first", async () => {
    const calls = await h.send("/templates");
    expect(calls[0]!.payload.text).toBe(
      [
        "✉️ <b>Сообщения студентам</b>",
        "<b>Подтверждение</b> (по умолчанию)\n<blockquote>{first_name}, ваша заявка подтверждена! 🎉\nКурс: {course}, {stream}.\nСтарт: {start_date}.\nДо встречи на занятиях!</blockquote>",
        "<b>Отмена</b> (по умолчанию)\n<blockquote>{first_name}, ваша заявка на курс «{course}» ({stream}) отменена.\nПричина: {reason}.\nЕсли это ошибка — просто напишите нам.</blockquote>",
        "<b>Напоминание</b> (по умолчанию)\n<blockquote>{first_name}, напоминаем: курс «{course}» ({stream}) стартует {start_date}. До встречи!</blockquote>",
        "<b>Как оплатить</b> (по умолчанию)\n<blockquote>{first_name}, чтобы закрепить место на курсе «{course}» ({stream}), оплатите {price}.\nРеквизиты — в следующем сообщении. После оплаты пришлите сюда фото или скриншот чека (или PDF-файл): мы проверим оплату и подтвердим заявку.</blockquote>",
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
