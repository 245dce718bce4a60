import { describe, expect, it } from "vitest";
import { formatQueueCaption } from "../../src/bot/format/proof";
import { ru } from "../../src/bot/i18n";
import { MSK, bookingRow } from "./rows";

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
