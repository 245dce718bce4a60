import { describe, expect, it } from "vitest";
import { formatBookingAccepted } from "../../src/bot/format/student";
import { en, ru } from "../../src/bot/i18n";
import { ESCAPED, HOSTILE, bookingRow } from "./rows";

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
