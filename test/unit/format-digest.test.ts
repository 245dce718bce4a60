import { describe, expect, it } from "vitest";
import { formatBookingDigest } from "../../src/bot/format/digest";
import { en, ru } from "../../src/bot/i18n";
import { ESCAPED, HOSTILE, bookingRow } from "./rows";

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
