import { describe, expect, it } from "vitest";
import { formatUsd, priceOf, priceValue } from "../../src/bookings/payment-instructions";
import { packProof, parseProof, templateResetMenu } from "../../src/bot/callback-data";
import { cardKeyboard } from "../../src/bot/format/card";
import { CAPTION_LIMIT, formatFailedDelivery, formatProofCaption } from "../../src/bot/format/proof";
import { askTemplateText, describeTemplateProblem } from "../../src/bot/format/templates";
import { en, ru } from "../../src/bot/i18n";
import { TEMPLATE_KINDS, templateProblem } from "../../src/bookings/templates";
import { proofFileOf } from "../../src/bot/features/students/proofs";
import { bookingRow } from "./rows";

const MAX_SERIAL = 2_147_483_647;
const proof = { id: 7, bookingId: 123, userId: 987654321, kind: "photo" as const, fileId: "AgAC", fileUniqueId: "u", createdAt: new Date(0) };

describe("the price in the payment instructions", () => {
  it("takes the discount off the course's price, rounding to the cent", () => {
    expect(priceOf(15000, 10)).toEqual({ priceCents: 15000, dueCents: 13500 });
    expect(priceOf(9999, 15)).toEqual({ priceCents: 9999, dueCents: 8499 });
    expect(priceOf(15000, null)).toEqual({ priceCents: 15000, dueCents: 15000 });
    expect(priceOf(15000, 100)).toEqual({ priceCents: 15000, dueCents: 0 });
    expect(priceOf(15000, 250)).toEqual({ priceCents: 15000, dueCents: 0 });
    expect(priceOf(null, 10)).toEqual({ priceCents: null, dueCents: null });
  });

  it("writes dollars as a person reads them", () => {
    expect(formatUsd(15000)).toBe("$150");
    expect(formatUsd(8499)).toBe("$84.99");
    expect(formatUsd(135050)).toBe("$1,350.50");
    expect(formatUsd(0)).toBe("$0");
  });

  it("fills {price} with the discount named, or says the amount will come", () => {
    expect(priceValue(priceOf(15000, 10), 10)).toBe("$135 (со скидкой 10%)");
    expect(priceValue(priceOf(15000, 0), 0)).toBe("$150");
    expect(priceValue(priceOf(null, 10), 10)).toBe("стоимость курса (сумму уточнит администратор)");
  });
});

describe("callback data of the proof button and the new templates", () => {
  it("packs a booking id in base 36 and reads it back; the largest fits 64 bytes", () => {
    expect(packProof(123)).toBe("p:3f");
    expect(parseProof(packProof(MAX_SERIAL))).toEqual({ bookingId: MAX_SERIAL });
    expect(Buffer.byteLength(packProof(MAX_SERIAL))).toBeLessThanOrEqual(64);
  });

  it.each(["p:", "p:0", "p:01", "p:-1", "p:zzzzzz", "p:zzzzzzz", `p:${(MAX_SERIAL + 1).toString(36)}`, "p:3f ", "P:3f", "p:3f:1", "c:p:3f"])("%j is no proof button", (data) => {
    expect(parseProof(data)).toBeUndefined();
  });

  it("has a reset menu of its own for every template kind", () => {
    expect(new Set(TEMPLATE_KINDS.map(templateResetMenu)).size).toBe(TEMPLATE_KINDS.length);
  });
});

describe("templates without placeholders", () => {
  it("ask for the text without listing placeholders, and refuse braces plainly", () => {
    expect(askTemplateText("payment_details", ru)).toBe("Пришлите новый текст сообщения «Реквизиты». /cancel — отмена.");
    expect(describeTemplateProblem(templateProblem("payment_details", "Карта {card}")!, ru)).toBe(
      "В этом тексте подстановок не бывает, а в нём есть {card}. Уберите фигурные скобки.",
    );
    expect(templateProblem("payment_details", "Карта 4276 1234 5678 9012, получатель И. Иванова")).toBeUndefined();
    expect(templateProblem("payment_instructions", "Оплатите {price} до {start_date}")).toBeUndefined();
  });
});

describe("formatProofCaption", () => {
  it("names the booking, the student, what it is for and what is due", () => {
    expect(formatProofCaption({ booking: bookingRow({ confirmed: 1 }), proof, moved: true, price: priceOf(15000, 10) }, ru)).toBe(
      [
        "📎 <b>Чек по заявке #123</b> · ⚪ Новая заявка → 🟡 В ожидании",
        "Иван · @ivan_petrov · id <code>987654321</code>",
        "Вайб кодинг · 3-й поток · скидка 10% (<code>FRIEND10</code>)",
        "К оплате: $135",
        "Карточка: /b123",
      ].join("\n"),
    );
    expect(formatProofCaption({ booking: bookingRow({ confirmed: 1, discountPercent: 0, referralCode: null }), proof, moved: false, price: priceOf(null, 0) }, en)).toBe(
      ["📎 <b>Another payment proof for booking #123</b> · 🟡 Pending", "Иван · @ivan_petrov · id <code>987654321</code>", "Вайб кодинг · Stream 3", "Card: /b123"].join("\n"),
    );
  });

  it("escapes stored strings and stays within 1,024 characters however hostile they are", () => {
    const hostile = bookingRow({
      id: MAX_SERIAL,
      userId: Number.MAX_SAFE_INTEGER,
      firstName: "&".repeat(200),
      username: "<".repeat(100),
      courseName: "&<>".repeat(100),
      streamTitle: "&".repeat(200),
      referralCode: "&".repeat(100),
    });
    for (const t of [ru, en]) {
      const caption = formatProofCaption({ booking: hostile, proof, moved: true, price: priceOf(99_999_999, 1) }, t);
      expect(caption.length).toBeLessThanOrEqual(CAPTION_LIMIT);
      expect(caption).not.toMatch(/<(?!\/?(b|code)>)/);
      expect(caption).toContain(`/b${MAX_SERIAL}`);
    }
    const mild = formatProofCaption({ booking: bookingRow({ firstName: "Ann & <Co>" }), proof, moved: true, price: priceOf(100, 0) }, ru);
    expect(mild).toContain("Ann &amp; &lt;Co&gt; · @ivan_petrov");
  });
});

describe("formatFailedDelivery", () => {
  it("says which message to whom failed and why, escaped", () => {
    expect(formatFailedDelivery({ kind: "confirmation", bookingId: 123, error: "400: Bad Request: <chat> not found" }, bookingRow(), ru)).toBe(
      "⚠️ <b>Не доставлено</b>: Подтверждение · заявка #123 · Иван · @ivan_petrov\n400: Bad Request: &lt;chat&gt; not found",
    );
    expect(formatFailedDelivery({ kind: "payment_instructions", bookingId: 5, error: "403: Forbidden" }, undefined, en)).toBe(
      "⚠️ <b>Not delivered</b>: Payment · booking #5 · —\n403: Forbidden",
    );
  });
});

describe("the card's 📎 button", () => {
  it("shows only when the booking has proofs, with their number past one", () => {
    const rows = (n: number) => cardKeyboard(bookingRow({ confirmed: 1 }), ru, n).inline_keyboard.map((r) => r.map((b) => b.text));
    expect(rows(0)).toEqual([["🟢 Подтвердить", "🔴 Отменить"], ["↻ Обновить"]]);
    expect(rows(1)).toEqual([["🟢 Подтвердить", "🔴 Отменить"], ["↻ Обновить", "📎 Чек"]]);
    expect(rows(3)).toEqual([["🟢 Подтвердить", "🔴 Отменить"], ["↻ Обновить", "📎 Чеки (3)"]]);
    expect(cardKeyboard(bookingRow(), en, 2).inline_keyboard.at(-1)!.map((b) => b.text)).toEqual(["↻ Refresh", "📎 Proofs (2)"]);
  });
});

describe("what counts as a payment proof", () => {
  it("the largest size of a photo, a PDF or an image sent as a file; nothing else", () => {
    const sizes = [
      { file_id: "s", file_unique_id: "us", width: 90, height: 90 },
      { file_id: "l", file_unique_id: "ul", width: 1280, height: 1280 },
    ];
    expect(proofFileOf({ photo: sizes })).toEqual({ kind: "photo", fileId: "l", fileUniqueId: "ul" });
    const doc = (mime?: string) => ({ document: { file_id: "d", file_unique_id: "ud", ...(mime ? { mime_type: mime } : {}) } });
    expect(proofFileOf(doc("application/pdf"))).toEqual({ kind: "document", fileId: "d", fileUniqueId: "ud" });
    expect(proofFileOf(doc("IMAGE/PNG"))).toEqual({ kind: "document", fileId: "d", fileUniqueId: "ud" });
    expect(proofFileOf(doc("application/zip"))).toBeUndefined();
    expect(proofFileOf(doc())).toBeUndefined();
    expect(proofFileOf({})).toBeUndefined();
  });
});
