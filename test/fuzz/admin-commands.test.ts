import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { adminCommands } from "../../src/bot/commands";
import { ADMIN_COMMANDS } from "../../src/bot/features";
import { TEXTS, ru as t } from "../../src/bot/i18n";
import { ADMIN } from "../helpers/updates";
import { expectAcceptableCalls, forEachCase } from "./answers";
import { useFuzzBot } from "./fuzz-bot";
import { NASTY, anyText, telegramText } from "./texts";

/**
 * Property: whatever an admin types after a command — any Unicode, control characters (as
 * Telegram delivers them), HTML, SQL, emoji, RTL, 4096 characters — the real bot answers with
 * exactly one message (or /export's document) Telegram would accept, the error boundary is
 * never reached, and no row of any table changes. Commands come from adminCommands(), so a new
 * one is fuzzed as soon as it is in the admins' menu.
 */

const { h, expectNoRowChanged } = useFuzzBot();

const mention = fc.constantFrom("", "", "", "@bookings_admin_bot", "@other_bot", "@");
const separator = fc.constantFrom(" ", " ", " ", "  ", "\n", "\t", "");

const argFor = (hints: string[]) => fc.oneof({ weight: 3, arbitrary: anyText }, { weight: 1, arbitrary: fc.constantFrom(...hints) });

function command(name: string, hints: string[] = NASTY): fc.Arbitrary<string> {
  return fc
    .tuple(mention, separator, fc.oneof({ weight: 1, arbitrary: fc.constant("") }, { weight: 6, arbitrary: argFor(hints) }))
    .map(([at, sep, arg]) => telegramText(`/${name}${at}${arg === "" ? "" : sep + arg}`));
}

/** `/b123` and `/u123`, the links in lists: digits of every length, and what may follow. */
function link(letter: "b" | "u"): fc.Arbitrary<string> {
  const digits = fc.oneof(
    fc.integer({ min: 0, max: 30 }).map(String),
    fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
    fc.constantFrom("777000111", "5001", "9007199254740991", "2147483647", "2147483648", "0001", "١"),
  );
  const tail = fc.oneof(fc.constantFrom("", "", "", "@bookings_admin_bot", "@other_bot", "@", "x", " 1", "\n"), anyText);
  return fc.tuple(digits, tail).map(([d, t]) => telegramText(`/${letter}${d}${t}`));
}

const unknownCommand = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9_]{1,32}$/), mention, separator, anyText)
  .map(([name, at, sep, arg]) => telegramText(`/${name}${at}${sep}${arg}`));

/** Arguments worth trying beyond random text, for the commands that parse one. */
const HINTS: Record<string, string[]> = {
  bookings: ["new", "NEW", "pending", " Confirmed ", "cancelled", "canceled", "все", "ОТМЕНЁННЫЕ", "подтвержденные", "all all", "constructor", "__proto__"],
  export: ["new", "confirmed", "отменённые", "all", "everything", "__proto__", "toString"],
  user: ["777000111", "@ira_student", "IRA_STUDENT", "5001", "@under_score", "under%", "user_1", "@user_1", "9007199254740991", "9007199254740992", "0", "-5", "@a", " ",
    "ира", "ИРА СТУДЕНТ", "студ", "a%n", "o_t", "%", "_", "%%%", "\\", "@ира", "и", "я".repeat(64), "я".repeat(65)],
  booking: ["1", "#1", "2", "16", "17", "0", "-1", "2147483647", "2147483648", "1.0", "1e1", "0x10", "#", "１"],
  lang: ["ru", "en", "EN", " en ", "de", "english", "ру", "en ru"],
  start: ["PROMO", "PROMO<10>", "a".repeat(64), "a".repeat(65), "-", "ref_1"],
};

// Every command in the admins' menu (a new one is fuzzed as soon as it is listed there), /start,
// /cancel with nothing to cancel, the /b123 and /u123 links, unknown commands and plain text.
const FAMILIES: Array<[string, fc.Arbitrary<string>]> = [
  ...[...adminCommands(ADMIN_COMMANDS, t).map((c) => c.command), "start", "cancel"].map((name): [string, fc.Arbitrary<string>] => [`/${name}`, command(name, HINTS[name])]),
  ["/b<digits>", link("b")],
  ["/u<digits>", link("u")],
  ["unknown /commands", unknownCommand],
  ["text that is no command", anyText.map((t) => telegramText(t))],
];

/** Replies that open a conversation, which the next message would answer: leave it with /cancel. */
const OPENS_CONVERSATION = [t.student.ask, t.broadcast.whom];

describe("random command arguments from an admin", () => {
  it.each(FAMILIES)("%s: one acceptable reply, no failure, no row changed", async (_name, texts$) => {
    const watch = await forEachCase(h, texts$, 250, async (text, watch) => {
      const calls = await h.send(text);
      expectAcceptableCalls(calls, ADMIN.id);
      // One answer: a message, or (for /export) a document after a "sending a file…" status, or
      // (for /stats) the chart with the summary as its caption, then the courses' lines.
      // (/lang also redraws the admin's command menu.)
      const answer = calls.filter((c) => c.method !== "sendChatAction" && c.method !== "setMyCommands");
      expect([["sendMessage"], ["sendDocument"], ["sendPhoto", "sendMessage"]]).toContainEqual(answer.map((c) => c.method));
      const reply = answer[0]!.payload.text ?? answer[0]!.payload.caption;
      expect(reply).not.toBe(t.somethingWentWrong);
      expect(reply).not.toBe(t.databaseUnavailable);
      if (typeof reply === "string" && OPENS_CONVERSATION.includes(reply)) {
        const cancel = await h.send("/cancel");
        expect(cancel.map((c) => c.payload.text)).toEqual([t.cancelled]);
      }
      // /lang en is the one setting an admin may change here (kept in bot_state): change it back.
      if (reply === TEXTS.en.lang.set) expect((await h.send("/lang ru"))[0]!.payload.text).toBe(t.lang.set);
      watch.expectQuiet();
      await expectNoRowChanged();
    });
    watch.expectNoTokenLogged();
  }, 60_000);
});
