import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Message } from "grammy/types";
import { ru as t } from "../../src/bot/i18n";
import type { ApiCall } from "../helpers/fake-telegram";
import { TEST_TOKEN } from "../helpers/harness";
import { ADMIN, STRANGER } from "../helpers/updates";
import { logWatch } from "./answers";
import { useFuzzBot } from "./fuzz-bot";
import { fuzz } from "./run";

/**
 * The Bot API failing or slow while the bot answers: 500/502, 429 with retry_after, 403, 400 on
 * sendMessage, editMessageText, answerCallbackQuery and the /export calls, once or several
 * times in a row. The bot must not crash (handleUpdate resolves), must leave the failure in the
 * log (never the token) — a 429 is waited out and the call made again —, must not answer a
 * button twice, and the next update works normally.
 */

const { h } = useFuzzBot();

const PLANNED = "(planned)";
const DESCRIPTION: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  // retry_after 0 keeps the fuzz quick; the wait itself is tested in test/bot/telegram-limits.test.ts.
  429: "Too Many Requests: retry after 0",
  403: "Forbidden: bot was blocked by the user",
  400: "Bad Request: message can't be edited",
};

/** Consumes what is left of a planned failure, so the next case starts clean. */
async function drain(method: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const response = await fetch(`${h.api.apiRoot}/bot${TEST_TOKEN}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: 1, message_id: 1, text: "drain", callback_query_id: "1", action: "typing" }),
    });
    const body = (await response.json()) as { description?: string };
    if (!body.description?.includes(PLANNED)) return;
  }
}

/** What the admin does: a command, or a press on a list or a card shown just before. */
type Action = { prepare?: string; press?: string; send?: string };
const ACTIONS: Record<string, Action> = {
  "/bookings": { send: "/bookings" },
  "/booking 3": { send: "/booking 3" },
  "/user 5001": { send: "/user 5001" },
  "/templates": { send: "/templates" },
  "/stats": { send: "/stats" },
  "/export": { send: "/export" },
  "/help": { send: "/help" },
  "hello": { send: "hello" },
  "list ↻": { prepare: "/bookings", press: t.list.refresh },
  "list ▶": { prepare: "/bookings", press: t.list.older },
  "list filter": { prepare: "/bookings", press: "🟡 В ожидании" },
  "card ↻": { prepare: "/booking 3", press: t.list.refresh },
  "card question": { prepare: "/booking 3", press: t.card.action.cancel },
  "/workshops": { send: "/workshops" },
  "workshops lesson": { prepare: "/workshops", press: "01.12.2025 · Воркшоп по Cursor" },
  "workshops CSV": { prepare: "/workshops", press: t.workshops.csvAll },
};

function buttonData(message: Message, label: string): string {
  const current = h.api.message(message.chat.id, message.message_id) ?? message;
  const button = current.reply_markup?.inline_keyboard.flat().find((b) => b.text.startsWith(label));
  if (!button || !("callback_data" in button)) throw new Error(`no button "${label}"`);
  return button.callback_data;
}

/** Shows the list or card a press needs (while the API still works). */
async function prepare(action: Action): Promise<Message | undefined> {
  if (!action.prepare) return undefined;
  await h.send(action.prepare);
  return h.lastSent();
}

/** Runs an action and returns the API calls it made, outcomes included. */
async function perform(action: Action, message: Message | undefined): Promise<ApiCall[]> {
  const start = h.api.calls.length;
  if (action.send) await h.send(action.send);
  if (action.press) await h.pressData(message!, buttonData(message!, action.press));
  return h.api.calls.slice(start);
}

const okAnswers = (calls: ApiCall[]) => calls.filter((c) => c.method === "answerCallbackQuery" && c.outcome === "ok");

describe("the Bot API failing while the bot answers", () => {
  it("never crashes the bot, leaves the failure in the log, never answers a button twice, and the next update works", async () => {
    const watch = logWatch(h);
    const failure = fc.record({
      method: fc.constantFrom("sendMessage", "editMessageText", "answerCallbackQuery", "sendDocument", "sendChatAction"),
      code: fc.constantFrom(500, 502, 429, 403, 400),
      times: fc.integer({ min: 1, max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(ACTIONS)), failure, async (name, { method, code, times }) => {
        const action = ACTIONS[name]!;
        const message = await prepare(action);
        watch.reset();
        h.api.failNext(
          method,
          { error_code: code, description: `${DESCRIPTION[code]} ${PLANNED}`, ...(code === 429 ? { parameters: { retry_after: 0 } } : {}) },
          times,
        );
        const calls = await perform(action, message); // resolves: nothing escapes handleUpdate
        await drain(method);

        const failed = calls.filter((c) => c.method === method && c.outcome === code);
        if (failed.length > 0 && code === 429) {
          // Waited out and made again: the wait is in the log, and the call then went through.
          expect(watch.lines().some((l) => l.msg === "429 from Telegram: waiting and sending again" && l.method === method), "the wait is in the log").toBe(true);
          // (Answered: a refresh of an unchanged list is Telegram's 400 "not modified" once through.)
          expect(calls.filter((c) => c.method === method && c.outcome !== 429).length, "the call went through after the 429s").toBeGreaterThan(0);
        } else if (failed.length > 0) {
          expect(watch.lines().some((l) => JSON.stringify(l).includes(PLANNED)), "the failure is in the log").toBe(true);
        }
        if (action.press) {
          const answered = okAnswers(calls).length;
          const allAnswersFailed = calls.filter((c) => c.method === "answerCallbackQuery").every((c) => c.outcome === code);
          expect(answered, "a press is answered at most once").toBeLessThanOrEqual(1);
          if (!allAnswersFailed) expect(answered, "a press is answered").toBe(1);
        }
        watch.expectNoTokenLogged();

        // The API is back: the same action works as if nothing had happened.
        watch.reset();
        const again = await perform(action, await prepare(action));
        // (A refresh of an unchanged list is Telegram's 400 "message is not modified": expected.)
        const notModified = (c: ApiCall) => c.method === "editMessageText" && c.outcome === 400 && action.press === t.list.refresh;
        expect(again.filter((c) => c.outcome !== "ok" && !notModified(c)).map((c) => [c.method, c.outcome])).toEqual([]);
        const shown = again.filter((c) => ["sendMessage", "editMessageText", "sendDocument"].includes(c.method));
        expect(shown.length).toBeGreaterThan(0);
        for (const c of [...shown, ...okAnswers(again)]) expect([t.somethingWentWrong, t.databaseUnavailable]).not.toContain(c.payload.text);
        if (action.press) expect(okAnswers(again)).toHaveLength(1);
        watch.expectQuiet();
      }),
      fuzz(250),
    );
  }, 60_000);
});

describe("the Bot API slow", () => {
  it("a reply that takes 1.5 s to one chat holds up neither the bot nor other chats", async () => {
    h.api.delayNext("sendMessage", 1_500, 1, ADMIN.id);
    let adminAnswered = false;
    const admin = h.send("/bookings").then((calls) => ((adminAnswered = true), calls));
    const stranger = await h.send("hello", STRANGER);
    // A stranger's "hello" reaches the admins, and they are told so.
    expect(stranger.filter((c) => c.payload.chat_id === STRANGER.id).map((c) => c.payload.text)).toEqual([t.people.ack]);
    // The stranger was answered while the admin's reply was still on its way.
    expect(adminAnswered).toBe(false);
    // (`send` collects every call made meanwhile, the stranger's included.)
    const calls = (await admin).filter((c) => c.payload.chat_id === ADMIN.id);
    expect(calls.map((c) => c.payload.text!.split("\n")[0])).toEqual([t.list.title]);
  });

  it("updates of one chat keep their order while a reply is slow", async () => {
    h.api.delayNext("sendMessage", 800, 1, ADMIN.id);
    const before = h.api.calls.length;
    await Promise.all([h.send("/help"), h.send("hello"), h.send("/bookings confirmed")]);
    const replies = h.api.calls.slice(before).filter((c) => c.method === "sendMessage" && c.payload.chat_id === ADMIN.id);
    expect(replies.map((c) => c.payload.text!.split("\n")[0])).toEqual([t.help.title, t.notUnderstood, t.list.title]);
    // The second reply was asked for only after the first was answered.
    expect(replies[1]!.at - replies[0]!.at).toBeGreaterThanOrEqual(750);
  });
});
