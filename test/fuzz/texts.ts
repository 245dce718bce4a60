import fc from "fast-check";

/** Text as people (and scripts) send it, and as Telegram delivers it. */

export const NASTY = [
  " ", "\n", "\t", "\r\n", "\u0000", "\u0007", "\u001b[31m", "\u200b", "\u202e", "\u2066", "\ufeff", "\u00a0",
  "<b>", "</b>", "<script>alert(1)</script>", "&", "&amp;", "&lt;", "<a href=\"x\">", "]]>", "\"", "'", "`",
  "'; DROP TABLE bookings; --", "' OR '1'='1", "1; DELETE FROM users", "%", "_", "\\", "$1", "${x}", "{first_name}", "{course}", "{}",
  "NULL", "null", "undefined", "NaN", "Infinity", "true", "[]", "{\"a\":1}",
  "-1", "0", "1", "01", "007", "1e3", "0x1f", "1.5", "+1", "2147483647", "2147483648", "4294967296",
  "9007199254740991", "9007199254740993", "99999999999999999999", "-0", "١٢٣", "１２３", "²",
  "@", "@_", "@a", "@ivan_petrov", "ira_student", "@IRA_STUDENT", "@under_score", "@" + "a".repeat(32), "@" + "a".repeat(33), "@1abc",
  "new", "NEW", " pending ", "Confirmed", "cancelled", "canceled", "all", "подтверждённые", "ПОДТВЕРЖДЁННЫЕ", "все", "Ожидание",
  "constructor", "__proto__", "toString", "hasOwnProperty", "prototype",
  "#1", "#0", "# 1", "##1", "1 2",
  "👨‍👩‍👧‍👦", "🇷🇺", "😀", "e\u0301", "مرحبا", "שלום", "𝕏", "Ǆ", "ß", "İ",
  "/cancel", "/start", "/bookings", "@bookings_admin_bot", "/b1", "/u1",
];

const controlChar = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));
const nastyPiece = fc.constantFrom(...NASTY);

/** Arbitrary text a person (or a script) could send: short, mixed, long, up to Telegram's 4096. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: controlChar, maxLength: 12 }) },
  { weight: 4, arbitrary: nastyPiece },
  { weight: 3, arbitrary: fc.array(fc.oneof(nastyPiece, fc.string({ maxLength: 6 })), { minLength: 2, maxLength: 6 }).map((a) => a.join("")) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("a", "я", "😀", "<", "&", "1", " ", "👨‍👩‍👧‍👦", "_"), fc.integer({ min: 1000, max: 4096 }))
      .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length))),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1000, maxLength: 4096, size: "max" }) },
);

/**
 * A text as a bot receives it: Telegram's clients clean what is typed before sending
 * (tdlib's clean_input_string: C0 control characters but "\n" become spaces, "\r" and
 * U+2028–U+202E are dropped; the text is trimmed and never empty), and at most 4096 UTF-16
 * units arrive. A surrogate pair is never cut in half.
 * (This matters: a raw U+0000 in a message that a conversation waits for makes the bot_state
 * jsonb write fail — "unsupported Unicode escape sequence" — which real updates cannot trigger.)
 */
export function telegramText(typed: string, max = 4096): string {
  let text = typed
    .replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f]/g, " ")
    .replace(/[\r\u2028-\u202e]/g, "")
    .trim();
  if (text.length > max) {
    text = text.slice(0, max);
    if (/[\ud800-\udbff]$/.test(text)) text = text.slice(0, -1);
  }
  return text === "" ? "?" : text;
}
