import { Writable } from "node:stream";
import type { InlineKeyboardButton, Message, Update, User } from "grammy/types";
import { createBot } from "../../src/bot";
import type { Deps } from "../../src/bot/context";
import { parseConfig, type Config } from "../../src/config";
import type { Db } from "../../src/db/client";
import { createLogger } from "../../src/logger";
import { createSendBudget, type SendBudget } from "../../src/telegram/send-budget";
import { BOT_INFO, FakeTelegram, SEND_METHODS, telegramLimitProblems, type ApiCall } from "./fake-telegram";
import { ADMIN, callbackUpdate, documentUpdate, messageUpdate, photoUpdate, type DocumentOptions } from "./updates";

export const TEST_TOKEN = "123456:TEST-token-that-must-never-be-logged";

/** A send budget that holds nothing back: tests about Telegram's limits make their own. */
export function unlimitedBudget() {
  return createSendBudget({ ratePerSecond: Number.POSITIVE_INFINITY, privateIntervalMs: 0, groupIntervalMs: 0 });
}

export function testConfig(env: Record<string, string> = {}): Config {
  return parseConfig({ BOT_TOKEN: TEST_TOKEN, ADMIN_IDS: String(ADMIN.id), TZ_DISPLAY: "Europe/Moscow", ...env });
}

/** Log lines as parsed JSON objects, to assert that a failure left its detail in the log. */
export function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ logLevel: "debug" }, stream) };
}

/**
 * Telegram's limits (text 4,096, caption 1,024, answerCallbackQuery 200, callback_data 64 bytes),
 * checked on every call the bot makes in answer to an update. The fake API refuses such calls
 * too, so sends of the delivery worker are held to them as well (`close` reports any).
 */
function assertTelegramWouldAccept({ method, payload }: Pick<ApiCall, "method" | "payload">): void {
  const problems = telegramLimitProblems(method, payload);
  if (problems.length > 0) throw new Error(problems.join("\n"));
}

export const buttonRows = (markup: unknown): string[][] =>
  ((markup as { inline_keyboard?: InlineKeyboardButton[][] } | undefined)?.inline_keyboard ?? []).map((row) =>
    row.map((b) => b.text),
  );

/**
 * The real bot wired to a test database and the fake Bot API. `send` and `press` feed real
 * updates and return the API calls the bot made in answer.
 */
export async function createHarness(db: Db, env: Record<string, string> = {}, options: { clock?: () => Date; budget?: SendBudget } = {}) {
  const api = await FakeTelegram.start();
  const logs = captureLogs();
  const deps: Deps = { config: testConfig(env), logger: logs.logger, db, clock: options.clock ?? (() => new Date()), budget: options.budget ?? unlimitedBudget() };
  const bot = createBot(deps, { botInfo: BOT_INFO, client: { apiRoot: api.apiRoot } });

  async function collect(run: () => Promise<void>): Promise<Array<Pick<ApiCall, "method" | "payload">>> {
    const before = api.calls.length;
    await run();
    // What the admin sees: the method and what was sent, not the fake API's bookkeeping.
    const calls = api.calls.slice(before).map(({ method, payload }) => ({ method, payload }));
    for (const call of calls) assertTelegramWouldAccept(call);
    return calls;
  }

  /** Feeds an update whose message the fake API then knows (so the bot can copy it). */
  function deliver(update: Update) {
    api.remember(update.message);
    return collect(() => bot.handleUpdate(update));
  }

  const harness = {
    api,
    bot,
    deps,
    logs: logs.lines,
    send: (text: string, from: User = ADMIN) => deliver(messageUpdate(text, from)),
    /** The student sends a photo (Telegram's sizes, largest last) with this file id. */
    sendPhoto: (from: User, fileId = `photo-of-${from.id}`) => deliver(photoUpdate(from, fileId)),
    /** The student sends a file (a PDF unless told otherwise). */
    sendDocument: (from: User, options: DocumentOptions = {}) => deliver(documentUpdate(from, options)),
    /** Any update (a reply, a sticker…); the message it carries is known to the fake API, as Telegram knows it. */
    deliver,
    pressData: (message: Message, data: string, from: User = ADMIN) =>
      collect(() => bot.handleUpdate(callbackUpdate(message, data, from))),
    /** Presses the button with this label on the message as it now stands. */
    press(message: Message, label: string, from: User = ADMIN) {
      const current = api.message(message.chat.id, message.message_id) ?? message;
      const button = current.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
      if (!button || !("callback_data" in button)) {
        throw new Error(`no button "${label}" in ${JSON.stringify(buttonRows(current.reply_markup))}`);
      }
      return harness.pressData(current, button.callback_data, from);
    },
    /** The last message (text, photo or document) the bot sent to this chat, as it stands after edits. */
    lastSent(chatId: number = ADMIN.id): Message {
      const sent = api.calls.filter((c) => SEND_METHODS.has(c.method) && c.payload.chat_id === chatId);
      const count = sent.length;
      const all = [...api.messages.values()].filter((m) => m.chat.id === chatId);
      const last = all[all.length - 1];
      if (!count || !last) throw new Error(`nothing sent to ${chatId}`);
      return last;
    },
    async close() {
      await api.close();
      if (api.violations.length > 0) throw new Error(`calls Telegram would refuse:\n${api.violations.join("\n")}`);
    },
  };
  return harness;
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
