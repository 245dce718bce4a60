import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Update, User } from "grammy/types";
import { parseStudent } from "../../src/bot/callback-data";
import { adminCommands } from "../../src/bot/commands";
import { ADMIN_COMMANDS } from "../../src/bot/features";
import { TEXTS, ru } from "../../src/bot/i18n";
import { STUDENT_LANG } from "../../src/bot/language";
import { useBotWithoutDatabase } from "../helpers/bot-fixture";
import { ADMIN, messageUpdate } from "../helpers/updates";
import { expectAcceptableCalls, forEachCase } from "./answers";
import { adminPrefixedData, randomData, studentData } from "./callback-arbitraries";
import { botMessage } from "./fuzz-bot";
import { NASTY, anyText, telegramText } from "./texts";

/**
 * Non-admins, against a database that cannot be reached: had the bot read anything for them,
 * the answer would be "database unavailable" (and "update failed" in the log) instead of the
 * refusal. Extends test/bot/access.test.ts (one fixed case per command) to every command in the
 * admins' menu with any arguments, any non-admin, the /b and /u links, every admin button
 * prefix with anything after it, the student side's own buttons, and chats that are not private.
 */

const { h } = useBotWithoutDatabase();

/** Anyone but the admin, with the names Telegram allows (1–64 characters) and any username. */
const nonAdmin: fc.Arbitrary<User> = fc
  .record({
    id: fc.oneof(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })).filter((id) => id !== ADMIN.id),
    first_name: anyText.map((t) => telegramText(t, 64)),
    username: fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{4,31}$/), { nil: undefined }),
    language_code: fc.option(fc.constantFrom("ru", "en", "uk", "kk", "zh-hans"), { nil: undefined }),
  })
  .map((u) => ({ is_bot: false, ...u }) as User);

const REFUSED_COMMANDS = adminCommands(ADMIN_COMMANDS, ru).map((c) => c.command).filter((c) => c !== "help");
const args = fc.oneof(fc.constant(""), anyText, fc.constantFrom(...NASTY));

/** Non-admins are answered in the students' language (Russian, whatever their Telegram's), with no database read to find it. */
const t = (_user: User) => TEXTS[STUDENT_LANG];
const notAdmin = (user: User) => [{ method: "sendMessage", payload: { chat_id: user.id, text: t(user).notAdmin } }];
const hint = (user: User) => [{ method: "sendMessage", payload: { chat_id: user.id, text: t(user).students.hint } }];

describe("non-admins, with the database unreachable", () => {
  it("every admin command, with any arguments, gets the refusal and reads nothing", async () => {
    const text = fc
      .tuple(fc.constantFrom(...REFUSED_COMMANDS), fc.constantFrom("", "", "@bookings_admin_bot", "@other_bot"), args)
      .map(([command, at, arg]) => ({ at, text: telegramText(`/${command}${at}${arg ? ` ${arg}` : ""}`) }));
    await forEachCase(h, fc.tuple(nonAdmin, text), 1000, async ([user, { at, text }], watch) => {
      const calls = await h.send(text, user);
      // Addressed to another bot, a command is not ours to refuse: the pointer to /start instead.
      expect(calls).toEqual(at === "@other_bot" ? hint(user) : notAdmin(user));
      watch.expectQuiet();
    });
  }, 60_000);

  it("the /b123 and /u123 links get the refusal", async () => {
    const link = fc
      .tuple(fc.constantFrom("b", "u"), fc.oneof(fc.integer({ min: 0, max: 99 }), fc.bigInt({ min: 0n, max: 10n ** 25n })), fc.constantFrom("", "@bookings_admin_bot", "@x"))
      .map(([l, n, at]) => `/${l}${n}${at}`);
    await forEachCase(h, fc.tuple(nonAdmin, link), 300, async ([user, text], watch) => {
      expect(await h.send(text, user)).toEqual(notAdmin(user));
      watch.expectQuiet();
    });
  }, 60_000);

  it("/start, which records the student, is the one command that needs the database: they hear it is unavailable", async () => {
    const watch = await forEachCase(h, fc.tuple(nonAdmin, fc.oneof(fc.constant(""), fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), anyText)), 200, async ([user, arg], watch) => {
      const calls = await h.send(telegramText(`/start${arg ? ` ${arg}` : ""}`), user);
      expect(calls).toEqual([{ method: "sendMessage", payload: { chat_id: user.id, text: t(user).databaseUnavailable } }]);
      expect(watch.lines().filter((l) => l.msg === "update failed")).toEqual([expect.objectContaining({ databaseUnavailable: true })]);
    });
    watch.expectNoTokenLogged();
  }, 60_000);

  // A command is answered without the database; anything else is a message for the admins, which
  // must be kept first: with the database down they hear it is unavailable (nothing lost silently).
  it("anything else they write gets a pointer to /start, the refusal, or word that it cannot be passed on now", async () => {
    const text = anyText.map((t) => telegramText(t)).filter((t) => !/^\/start(@bookings_admin_bot)?(\s|$)/.test(t));
    await forEachCase(h, fc.tuple(nonAdmin, text), 500, async ([user, text], watch) => {
      const calls = await h.send(text, user);
      if (text.startsWith("/")) {
        expect([hint(user), notAdmin(user)]).toContainEqual(calls);
        watch.expectQuiet();
      } else {
        expect(calls).toEqual([{ method: "sendMessage", payload: { chat_id: user.id, text: t(user).databaseUnavailable } }]);
      }
      watch.expectNoTokenLogged();
    });
  }, 60_000);

  it("a photo or file, which needs the database to be kept (a receipt, or a message for the admins), hears it is unavailable", async () => {
    const watch = await forEachCase(h, fc.tuple(nonAdmin, fc.boolean(), fc.constantFrom("application/pdf", "image/png", "application/zip")), 100, async ([user, photo, mimeType]) => {
      const calls = photo ? await h.sendPhoto(user) : await h.sendDocument(user, { mimeType });
      expect(calls).toEqual([{ method: "sendMessage", payload: { chat_id: user.id, text: t(user).databaseUnavailable } }]);
    });
    watch.expectNoTokenLogged();
  }, 60_000);

  it("every admin button, with anything after its prefix, is refused once and reads nothing", async () => {
    await forEachCase(h, fc.tuple(nonAdmin, fc.oneof(adminPrefixedData, randomData.filter((d) => !d.startsWith("s:")))), 1000, async ([user, d], watch) => {
      const calls = await h.pressData(botMessage(h, user.id), d, user);
      expect(calls).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: t(user).notAdminButton }) }]);
      watch.expectQuiet();
    });
  }, 60_000);

  it("the student side's own buttons: forged ones are refused before any query, real ones hear the database is unavailable", async () => {
    await forEachCase(h, fc.tuple(nonAdmin, studentData.filter((d) => d.startsWith("s:"))), 500, async ([user, d], watch) => {
      const calls = await h.pressData(botMessage(h, user.id), d, user);
      expectAcceptableCalls(calls, user.id);
      if (parseStudent(d)) {
        expect(calls).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: t(user).databaseUnavailable, show_alert: true }) }]);
      } else {
        expect(calls).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: t(user).students.staleButton }) }]);
        watch.expectQuiet();
      }
    });
  }, 60_000);

  it("outside private chats nobody — the admin included — gets an answer, and nothing is read", async () => {
    const chat = fc.oneof(
      fc.record({ id: fc.integer({ min: -(10 ** 13), max: -1 }), type: fc.constantFrom("group" as const, "supergroup" as const), title: fc.constant("Team") }),
      fc.record({ id: fc.integer({ min: -(10 ** 13), max: -1 }), type: fc.constant("channel" as const), title: fc.constant("News") }),
    );
    const text = fc.oneof(fc.constantFrom("/bookings", "/start", "/help", "/b1", "/broadcast", "/user 1"), anyText).map((t) => telegramText(t));
    await forEachCase(h, fc.tuple(fc.oneof(fc.constant(ADMIN), nonAdmin), chat, text), 300, async ([user, chat, text], watch) => {
      const update: Update = messageUpdate(text, user);
      (update.message as { chat: unknown }).chat = chat;
      const before = h.api.calls.length;
      await h.bot.handleUpdate(update);
      expect(h.api.calls.slice(before)).toEqual([]);
      watch.expectQuiet();
    });
  }, 60_000);
});
