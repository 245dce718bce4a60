import { describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec, rawQuery } from "../helpers/db";
import { addBookings } from "../helpers/fixtures";
import { buttonRows, type Harness } from "../helpers/harness";
import { expectScreen } from "../helpers/screens";

const STUDENT: User = { id: 4242, is_bot: false, first_name: "Ира", language_code: "ru" };

const { database, h } = useBotFixture({
  seed: async (database) => {
    await rawExec(database, "UPDATE streams SET is_open = true, course_id = 1 WHERE code = '8th_stream'");
    // Coupons the real bot made (its INSERT, its defaults), oldest first; FRIEND10 has bookings.
    await rawExec(
      database,
      `INSERT INTO referral_coupons (code, discount_percent, max_activations, created_by)
         SELECT 'OLD' || lpad(g::text, 5, '0'), 10, 50, 777 FROM generate_series(1, 22) g;
       INSERT INTO referral_coupons (code, name, discount_percent, max_activations, current_activations, created_by, created_at)
         VALUES ('FRIEND10', 'Друзья <и> близкие', 10, 50, 5, 777, '2026-10-01T09:00:00Z');`,
    );
    await addBookings(
      database.db,
      [0, 1, 2, 2, -1].map((confirmed, i) => ({ userId: 100 + i, confirmed: confirmed as 0, referralCode: "FRIEND10", discountPercent: 10 })),
    );
  },
});

type Calls = Awaited<ReturnType<Harness["send"]>>;
const texts = (calls: Calls) => calls.filter((c) => c.payload.text !== undefined).map((c) => c.payload.text);
const answered = (calls: Calls) => calls.find((c) => c.method === "answerCallbackQuery")?.payload;
const audit = () => rawQuery(database, "SELECT admin_id::int AS admin, admin_name AS name, action, target, details FROM admin_actions ORDER BY id");
const coupon = (code: string) =>
  rawQuery(
    database,
    "SELECT code, name, discount_percent AS percent, max_activations AS max, current_activations AS used, created_by::int AS by, is_active AS active, created_at IS NOT NULL AS dated FROM referral_coupons WHERE code = $1",
    [code],
  );
/** The card's "Created" line depends on the database's clock. */
const undated = (text: unknown) => String(text).replace(/Создан: \d\d\.\d\d\.\d{4} \d\d:\d\d/, "Создан: …");

describe("/coupons", () => {
  it("pages through coupons newest first, in place, and a card leads back to its page", async () => {
    const first = await h.send("/coupons");
    expectScreen(first, [
      "🎟 <b>Промокоды</b> · 1–10 из 23",
      "",
      "<code>FRIEND10</code> · 10% · 5/50 · 🟢 · Друзья &lt;и&gt; близкие",
      ...Array.from({ length: 9 }, (_, i) => `<code>OLD000${22 - i}</code> · 10% · 0/50 · 🟢`),
      "",
      "🟢 действует · 🟡 активации закончились · ⚫ выключен",
    ]);
    const rows = buttonRows(first[0]!.payload.reply_markup);
    expect(rows[0]).toEqual(["🟢 FRIEND10 · 10% · 5/50"]);
    expect(rows.slice(-2)).toEqual([["Старше ▶"], ["➕ Новый промокод"]]);

    const list = h.lastSent();
    const second = await h.press(list, "Старше ▶");
    expect(second[0]!.method).toBe("editMessageText");
    expect(second[0]!.payload.text).toMatch(/^🎟 <b>Промокоды<\/b> · 11–20 из 23\n\n<code>OLD00013<\/code>/);
    expect(buttonRows(second[0]!.payload.reply_markup).slice(-2)).toEqual([["◀ Новее", "Старше ▶"], ["➕ Новый промокод"]]);
    const third = await h.press(list, "Старше ▶");
    expect(third[0]!.payload.text).toMatch(/^🎟 <b>Промокоды<\/b> · 21–23 из 23\n\n<code>OLD00003<\/code> · 10% · 0\/50 · 🟢\n<code>OLD00002<\/code>.*\n<code>OLD00001<\/code>/);
    expect(buttonRows(third[0]!.payload.reply_markup).slice(-2)).toEqual([["◀ Новее"], ["➕ Новый промокод"]]);
    expect((await h.press(list, "◀ Новее"))[0]!.payload.text).toMatch(/ · 11–20 из 23\n/);

    const card = await h.press(list, "🟢 OLD00012 · 10% · 0/50");
    expect(card[0]!.payload.text).toMatch(/^🎟 <b>Промокод <code>OLD00012<\/code><\/b>\n/);
    expect((await h.press(list, "↩ К списку"))[0]!.payload.text).toMatch(/ · 11–20 из 23\n/);
  });

  it("a coupon's card: its link, its bookings per status and the confirmed share", async () => {
    await h.send("/coupons");
    const card = await h.press(h.lastSent(), "🟢 FRIEND10 · 10% · 5/50");
    expectScreen(card, [
      "🎟 <b>Промокод <code>FRIEND10</code></b>",
      "Название: Друзья &lt;и&gt; близкие",
      "Скидка: 10%",
      "Активации: 5 из 50 (осталось 45)",
      "Статус: 🟢 действует",
      "Создан: 01.10.2026 12:00 · админ id 777",
      "Ссылка: https://t.me/bookings_admin_bot?start=ref_FRIEND10",
      "Заявки с промокодом: 5 — ⚪ 1 · 🟡 1 · 🟢 2 · 🔴 1",
      "Подтверждено: 2 из 5 (40\u00a0%)",
    ]);
    expect(buttonRows(card[0]!.payload.reply_markup)).toEqual([["⛔ Выключить"], ["↩ К списку"]]);
  });

  it("creates a coupon from a preset with a generated code, inserted as the real bot does", async () => {
    await h.send("/coupons");
    const ask = await h.press(h.lastSent(), "➕ Новый промокод");
    expect(ask[1]!.payload.text).toBe("➕ Новый промокод. Скидка и число активаций — как в основном боте, или свои (пришлите, например, «15 30»). /cancel — отмена.");
    expect(buttonRows(ask[1]!.payload.reply_markup)).toEqual([["10% × 50", "20% × 20", "30% × 10"], ["50% × 5", "100% × 1"], ["✍️ Свои значения", "✖️ Отмена"]]);
    const name = await h.press(h.lastSent(), "30% × 10");
    expect(texts(name)).toEqual(["Название (для кого промокод) — пришлите текстом, до 64 символов, или нажмите «Без названия»."]);
    const code = await h.press(h.lastSent(), "Без названия");
    expect(texts(code)).toEqual(["Код: 8 символов, латинские буквы A–Z и цифры 0–9. Пришлите свой или нажмите «Сгенерировать»."]);
    const confirm = await h.press(h.lastSent(), "🎲 Сгенерировать");
    const generated = /<code>([A-Z0-9]{8})<\/code>/.exec(String(texts(confirm)[0]))?.[1];
    expect(texts(confirm)).toEqual([`Создать промокод <code>${generated}</code>: скидка 30%, активаций: 10?`]);
    expect(await coupon(generated!)).toEqual([]);

    const created = await h.press(h.lastSent(), "✅ Создать");
    expect(undated(created[2]!.payload.text)).toBe(
      [
        "✅ Промокод создан.",
        "",
        `🎟 <b>Промокод <code>${generated}</code></b>`,
        "Название: —",
        "Скидка: 30%",
        "Активации: 0 из 10 (осталось 10)",
        "Статус: 🟢 действует",
        "Создан: … · админ id 1001",
        `Ссылка: https://t.me/bookings_admin_bot?start=ref_${generated}`,
        "Заявок с промокодом пока нет.",
      ].join("\n"),
    );
    expect(await coupon(generated!)).toEqual([{ code: generated, name: null, percent: 30, max: 10, used: 0, by: 1001, active: 1, dated: true }]);
    expect((await audit()).at(-1)).toEqual({
      admin: 1001,
      name: "Анна",
      action: "coupon.create",
      target: `coupon:${generated}`,
      details: { old: null, new: { code: generated, name: null, discountPercent: 30, maxActivations: 10 } },
    });
  });

  it("custom values, a name and a typed code; bad values, an overlong name, a malformed or taken code change nothing", async () => {
    const before = await rawQuery(database, "SELECT count(*)::int AS n FROM referral_coupons");
    await h.send("/coupons");
    await h.press(h.lastSent(), "➕ Новый промокод");
    expect(texts(await h.send("15"))).toEqual(["Нужно два числа: скидка (1–100) и число активаций, например 15 30. Пришлите ещё раз или /cancel."]);
    expect(texts(await h.send("0 30"))).toEqual(["Скидка — от 1 до 100 %. Пришлите ещё раз или /cancel."]);
    expect(texts(await h.send("15 100001"))).toEqual(["Число активаций — от 1 до 100\u00a0000. Пришлите ещё раз или /cancel."]);
    expect(texts(await h.send("15% 30"))).toEqual(["Название (для кого промокод) — пришлите текстом, до 64 символов, или нажмите «Без названия»."]);
    expect(texts(await h.send("Я".repeat(65)))).toEqual(["Название длиннее 64 символов (сейчас 65). Пришлите ещё раз или /cancel."]);
    await h.send("Блогер <Вася>");
    expect(texts(await h.send("abc"))).toEqual(["Код — ровно 8 символов: латинские буквы A–Z и цифры 0–9. Пришлите ещё раз или /cancel."]);
    expect(texts(await h.send("friend10"))).toEqual(["Код <code>FRIEND10</code> уже занят. Пришлите ещё раз или /cancel."]);
    const confirm = await h.send("x7k2m9qa");
    expect(texts(confirm)).toEqual(["Создать промокод <code>X7K2M9QA</code> «Блогер &lt;Вася&gt;»: скидка 15%, активаций: 30?"]);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM referral_coupons")).toEqual(before);

    const created = await h.press(h.lastSent(), "✅ Создать");
    expect(undated(created[2]!.payload.text)).toMatch(/^✅ Промокод создан\.\n\n🎟 <b>Промокод <code>X7K2M9QA<\/code><\/b>\nНазвание: Блогер &lt;Вася&gt;\nСкидка: 15%\n/);
    expect(await coupon("X7K2M9QA")).toEqual([{ code: "X7K2M9QA", name: "Блогер <Вася>", percent: 15, max: 30, used: 0, by: 1001, active: 1, dated: true }]);
  });

  it("the own-values button asks for them; /cancel or ✖️ leave with nothing created", async () => {
    const before = await rawQuery(database, "SELECT count(*)::int AS n FROM referral_coupons");
    await h.send("/coupons");
    await h.press(h.lastSent(), "➕ Новый промокод");
    expect(texts(await h.press(h.lastSent(), "✍️ Свои значения"))).toEqual(["Пришлите скидку в процентах и число активаций через пробел, например: 15 30."]);
    await h.send("50 2");
    await h.send("Тест");
    await h.send("TESTCODE");
    expect(texts(await h.press(h.lastSent(), "✖️ Отмена"))).toEqual(["Отменено."]);
    await h.send("/coupons");
    await h.press(h.lastSent(), "➕ Новый промокод");
    expect(texts(await h.send("/cancel"))).toEqual(["Отменено."]);
    expect(texts(await h.send("TESTCODE"))).toEqual(["Не понял. Что я умею — /help"]);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM referral_coupons")).toEqual(before);
  });

  it("a code the real bot takes between the question and the press: asks for another one", async () => {
    await h.send("/coupons");
    await h.press(h.lastSent(), "➕ Новый промокод");
    await h.press(h.lastSent(), "100% × 1");
    await h.press(h.lastSent(), "Без названия");
    await h.send("RACE0001");
    await rawExec(database, "INSERT INTO referral_coupons (code, discount_percent, max_activations, created_by) VALUES ('RACE0001', 5, 5, 777)");
    const taken = await h.press(h.lastSent(), "✅ Создать");
    expect(texts(taken)).toEqual([
      "Код <code>RACE0001</code> уже занят.",
      "Код: 8 символов, латинские буквы A–Z и цифры 0–9. Пришлите свой или нажмите «Сгенерировать».",
    ]);
    await h.send("RACE0002");
    await h.press(h.lastSent(), "✅ Создать");
    expect(await coupon("RACE0001")).toMatchObject([{ percent: 5, by: 777 }]);
    expect(await coupon("RACE0002")).toMatchObject([{ percent: 100, max: 1, by: 1001 }]);
  });

  it("switches a coupon off and on after one more press; students cannot use it while it is off", async () => {
    const start = async () => (await h.send("/start ref_X7K2M9QA", STUDENT))[0]!.payload.text;
    expect(await start()).toContain("Промокод <code>X7K2M9QA</code>: скидка 15% к заявке.");
    await h.send("/coupons");
    const card = await h.press(h.lastSent(), "🟢 X7K2M9QA · 15% · 0/30");
    expect(buttonRows(card[0]!.payload.reply_markup)).toEqual([["⛔ Выключить"], ["↩ К списку"]]);
    const question = await h.press(h.lastSent(), "⛔ Выключить");
    expect(question[0]!.payload.text).toMatch(/\n\n❓ Выключить промокод <code>X7K2M9QA<\/code>\? Студенты больше не смогут его применить; выданные скидки остаются\.$/);
    expect(buttonRows(question[0]!.payload.reply_markup)).toEqual([["⛔ Да, выключить", "↩ Назад"]]);
    const asked = structuredClone(h.lastSent());
    const off = await h.press(h.lastSent(), "⛔ Да, выключить");
    expect(off[0]!.payload.text).toMatch(/^✅ Промокод выключен\.\n\n.*\nСтатус: ⚫ выключен\n/s);
    expect(buttonRows(off[0]!.payload.reply_markup)).toEqual([["✅ Включить"], ["↩ К списку"]]);
    expect(await coupon("X7K2M9QA")).toMatchObject([{ active: 0 }]);
    expect(await start()).toContain("Промокод <code>X7K2M9QA</code> не найден или выключен.");

    const twice = await h.pressData(asked, (asked.reply_markup!.inline_keyboard[0]![0]! as { callback_data: string }).callback_data);
    expect(twice[0]!.payload.text).toMatch(/^ℹ️ Промокод уже был выключен — ничего не изменилось\./);

    await h.press(h.lastSent(), "✅ Включить");
    const on = await h.press(h.lastSent(), "✅ Да, включить");
    expect(on[0]!.payload.text).toMatch(/^✅ Промокод снова действует\.\n/);
    expect(await coupon("X7K2M9QA")).toMatchObject([{ active: 1 }]);
    expect(await start()).toContain("Промокод <code>X7K2M9QA</code>: скидка 15% к заявке.");
    expect((await audit()).filter((a) => a.target === "coupon:X7K2M9QA").map((a) => [a.action, a.details])).toEqual([
      ["coupon.create", { old: null, new: { code: "X7K2M9QA", name: "Блогер <Вася>", discountPercent: 15, maxActivations: 30 } }],
      ["coupon.deactivate", { old: 1, new: 0 }],
      ["coupon.activate", { old: 0, new: 1 }],
    ]);
  });

  it("forged and outdated buttons change nothing", async () => {
    const before = await audit();
    await h.send("/coupons");
    const message = h.lastSent();
    for (const data of ["cp:", "cp:o:0", "cp:v:1", "cp:X:1:-1", "cp:z:y", "cp:z:p0", "cp:l:x"]) {
      expect(answered(await h.pressData(message, data)), data).toMatchObject({ text: "Эта кнопка устарела. Откройте заново: /coupons" });
    }
    for (const data of ["cp:v:zzzz:0", "cp:X:zzzz:0", "cp:r:zzzz:0"]) {
      expect(answered(await h.pressData(message, data)), data).toMatchObject({ text: "Такого промокода больше нет. Откройте заново: /coupons", show_alert: true });
    }
    // A page anchored past every coupon (deleted meanwhile) shows the first page.
    expect((await h.pressData(message, "cp:o:1"))[0]!.payload.text).toMatch(/ · 1–10 из 27\n/);
    // One past the largest serial (a page that starts at it): found by the fuzz, once a database error.
    expect((await h.pressData(h.lastSent(), "cp:o:zik0zk"))[0]!.payload.text).toMatch(/ · 1–10 из 27\n/);
    expect((await h.pressData(h.lastSent(), "cp:n:zik0zj"))[0]!.payload.text).toMatch(/ · 1–10 из 27\n/);
    expect(await audit()).toEqual(before);
  });
});
