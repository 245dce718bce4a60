import { Writable } from "node:stream";
import type { InlineKeyboardButton, Message, User } from "grammy/types";
import { createBot } from "../../src/bot";
import type { Deps } from "../../src/bot/context";
import { parseConfig, type Config } from "../../src/config";
import type { Db } from "../../src/db/client";
import { createLogger } from "../../src/logger";
import { BOT_INFO, FakeTelegram, type ApiCall } from "./fake-telegram";
import { ADMIN, callbackUpdate, messageUpdate } from "./updates";

export const TEST_TOKEN = "123456:TEST-token-that-must-never-be-logged";

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

/** Telegram's limits, checked on every call the bot makes in a test. */
function assertTelegramWouldAccept({ method, payload }: Pick<ApiCall, "method" | "payload">): void {
  if (typeof payload.text === "string" && payload.text.length > 4096) throw new Error(`${method}: text over 4096 characters`);
  for (const row of payload.reply_markup?.inline_keyboard ?? []) {
    if (row.length === 0) throw new Error(`${method}: empty keyboard row in ${JSON.stringify(payload.reply_markup)}`);
    for (const button of row) {
      const data = (button as { callback_data?: string }).callback_data;
      if (data !== undefined && Buffer.byteLength(data) > 64) throw new Error(`${method}: callback_data over 64 bytes: ${data}`);
    }
  }
}

export const buttonRows = (markup: unknown): string[][] =>
  ((markup as { inline_keyboard?: InlineKeyboardButton[][] } | undefined)?.inline_keyboard ?? []).map((row) =>
    row.map((b) => b.text),
  );

/**
 * The real bot wired to a test database and the fake Bot API. `send` and `press` feed real
 * updates and return the API calls the bot made in answer.
 */
export async function createHarness(db: Db, env: Record<string, string> = {}, options: { clock?: () => Date } = {}) {
  const api = await FakeTelegram.start();
  const logs = captureLogs();
  const deps: Deps = { config: testConfig(env), logger: logs.logger, db, clock: options.clock ?? (() => new Date()) };
  const bot = createBot(deps, { botInfo: BOT_INFO, client: { apiRoot: api.apiRoot } });

  async function collect(run: () => Promise<void>): Promise<Array<Pick<ApiCall, "method" | "payload">>> {
    const before = api.calls.length;
    await run();
    // What the admin sees: the method and what was sent, not the fake API's bookkeeping.
    const calls = api.calls.slice(before).map(({ method, payload }) => ({ method, payload }));
    for (const call of calls) assertTelegramWouldAccept(call);
    return calls;
  }

  const harness = {
    api,
    bot,
    deps,
    logs: logs.lines,
    send: (text: string, from: User = ADMIN) => collect(() => bot.handleUpdate(messageUpdate(text, from))),
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
    /** The last message the bot sent to this chat, as it stands after edits. */
    lastSent(chatId: number = ADMIN.id): Message {
      const sent = api.callsOf("sendMessage").filter((c) => c.payload.chat_id === chatId);
      const count = sent.length;
      const all = [...api.messages.values()].filter((m) => m.chat.id === chatId);
      const last = all[all.length - 1];
      if (!count || !last) throw new Error(`nothing sent to ${chatId}`);
      return last;
    },
    close: () => api.close(),
  };
  return harness;
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
