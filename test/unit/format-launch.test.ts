import { describe, expect, it } from "vitest";
import { formatBookingDigest } from "../../src/bot/format/digest";
import { formatQueueCaption } from "../../src/bot/format/proof";
import { formatBookingAccepted } from "../../src/bot/format/student";
import { en, ru } from "../../src/bot/i18n";
import { chatIdOf } from "../../src/telegram/budgeted-fetch";
import { countedAs } from "../../src/telegram/methods";
import { ESCAPED, HOSTILE, MSK, bookingRow } from "./rows";

describe("formatBookingDigest", () => {
  it("lists each booking on a line with a button that opens its card in the private chat", () => {
    const digest = formatBookingDigest([bookingRow({ id: 7 }), bookingRow({ id: 8, firstName: HOSTILE, username: null, courseStream: null })], ru, "my_bot");
    expect(digest.text).toBe(
      ["🆕 <b>Новые заявки: 2</b> — нажмите номер, чтобы открыть карточку", "#7 · Иван @ivan_petrov · 3-й поток", `#8 · ${ESCAPED} без @username · Вайб кодинг`].join("\n"),
    );
    expect(digest.keyboard.inline_keyboard).toEqual([
      [
        { text: "#7", url: "https://t.me/my_bot?start=b7" },
        { text: "#8", url: "https://t.me/my_bot?start=b8" },
      ],
    ]);
  });

  it("stays under 4,096 characters, however long the names, and says how many it left out", () => {
    const rows = Array.from({ length: 40 }, (_, i) => bookingRow({ id: 1_000_000 + i, firstName: "Я".repeat(64), username: "u".repeat(32), streamTitle: "П".repeat(80) }));
    const digest = formatBookingDigest(rows, en, "my_bot");
    expect(digest.text.length).toBeLessThanOrEqual(4096);
    expect(digest.text.split("\n")[0]).toBe("🆕 <b>New bookings: 40</b> — tap a number to open its card");
    const shown = digest.keyboard.inline_keyboard.flat().length;
    expect(digest.text.split("\n")).toHaveLength(shown + (shown < 40 ? 2 : 1));
    if (shown < 40) expect(digest.text.split("\n").at(-1)).toBe(`… and ${40 - shown} more: /bookings new`);
  });
});

describe("formatQueueCaption", () => {
  it("says whose receipt, what for, what is due, when it came and how many others wait", () => {
    const caption = formatQueueCaption(
      { booking: bookingRow(), price: { priceCents: 15000, dueCents: 13500 }, sentAt: new Date("2026-11-01T10:15:00.000Z"), waiting: 3 },
      MSK,
      ru,
    );
    expect(caption).toBe(
      [
        "📥 <b>Чек по заявке #123</b> · ещё ждут: 2",
        "Иван · @ivan_petrov · id <code>987654321</code>",
        "Вайб кодинг · 3-й поток · скидка 10% (<code>FRIEND10</code>)",
        "К оплате: $135",
        "Прислан: 01.11.2026 13:15",
        "Карточка: /b123",
      ].join("\n"),
    );
  });
});

describe("formatBookingAccepted", () => {
  const texts = { instructions: `Оплатите <$150> ${HOSTILE}`, details: "Карта 0000" };
  it("is one message: accepted, what next, how and where to pay (the templates escaped)", () => {
    expect(formatBookingAccepted(bookingRow({ discountPercent: 0 }), { price: { priceCents: 15000, dueCents: 15000 }, texts }, ru)).toEqual([
      {
        html: true,
        text: [
          "✅ Заявка #123 принята: Вайб кодинг, 3-й поток.",
          "Что дальше: оплатите, как написано ниже, и пришлите сюда фото чека или PDF-файл. Статус — в «Мои заявки».",
          "",
          `Оплатите &lt;$150&gt; ${ESCAPED}`,
          "",
          "Карта 0000",
        ].join("\n"),
      },
    ]);
  });

  it("with nothing to pay, says so and nothing more", () => {
    expect(formatBookingAccepted(bookingRow({ discountPercent: 0 }), { price: { priceCents: 15000, dueCents: 0 } }, en)).toEqual([
      { html: true, text: "✅ Booking #123 received: Вайб кодинг, Stream 3.\nNothing to pay: an admin will check and confirm your booking. Status: “My bookings”." },
    ]);
  });
});

describe("what Telegram's limits count", () => {
  it.each([
    ["sendMessage", "send"],
    ["sendPhoto", "send"],
    ["copyMessage", "send"],
    ["forwardMessages", "send"],
    ["editMessageText", "change"],
    ["editMessageMedia", "change"],
    ["deleteMessage", "change"],
    ["answerCallbackQuery", undefined],
    ["getUpdates", undefined],
    ["setMyCommands", undefined],
    ["sendChatAction", undefined],
  ])("%s counts as %s", (method, counted) => {
    expect(countedAs(method)).toBe(counted);
  });

  it("finds the chat in a JSON body and in grammY's multipart upload", () => {
    expect(chatIdOf(JSON.stringify({ chat_id: -1001234, text: '"chat_id":5' }))).toBe(-1001234);
    expect(chatIdOf(JSON.stringify({ callback_query_id: "1" }))).toBeUndefined();
    const multipart = Buffer.from('--b\r\ncontent-disposition:form-data; name=chat_id\r\n\r\n424242\r\n--b\r\ncontent-disposition:form-data; name=photo; filename=x.png\r\n\r\n\x89PNG\r\n--b--');
    expect(chatIdOf(multipart)).toBe(424242);
  });
});
