import { expect } from "vitest";
import fc from "fast-check";
import type { InlineKeyboardButton } from "grammy/types";
import type { ApiCall } from "../helpers/fake-telegram";
import { TEST_TOKEN, type Harness } from "../helpers/harness";
import { fuzz } from "./run";

/** What every answer of the bot must look like, and the log of a quiet update. */

const TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler", "span", "tg-emoji"]);

/** Why Telegram's HTML parser would refuse this text, or undefined. */
export function htmlProblem(text: string): string | undefined {
  const open: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)(?:\s[^<>]*)?>/g;
  for (const m of text.matchAll(tag)) {
    const name = m[2]!.toLowerCase();
    if (!TAGS.has(name)) return `unsupported tag <${m[1]}${m[2]}>`;
    if (!m[1]) open.push(name);
    else if (open.pop() !== name) return `unbalanced </${name}>`;
  }
  if (open.length > 0) return `unclosed <${open.join(">, <")}>`;
  const outside = text.replace(tag, "");
  if (/[<>]/.test(outside)) return `bare < or > in ${JSON.stringify(outside.slice(0, 200))}`;
  const amp = /&(?!(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});)/.exec(outside);
  if (amp) return `bare & at ${amp.index}: ${JSON.stringify(outside.slice(amp.index, amp.index + 20))}`;
  return undefined;
}

type Call = Pick<ApiCall, "method" | "payload">;

/**
 * Beyond the harness's checks on every call (text 4096, caption 1024 and toast 200 characters,
 * 1–64-byte callback data): HTML that Telegram's parser accepts, no empty text, buttons with a
 * label and one action, and nothing sent to any chat but the one the update came from.
 */
export function expectAcceptableCalls(calls: Call[], chatId: number): void {
  for (const { method, payload } of calls) {
    if (payload.chat_id !== undefined) expect(payload.chat_id, `${method} to another chat`).toBe(chatId);
    if (payload.parse_mode === "HTML" && typeof payload.text === "string") {
      expect(htmlProblem(payload.text), `${method} HTML: ${payload.text.slice(0, 300)}`).toBeUndefined();
    }
    if (typeof payload.text === "string") expect(payload.text.trim().length, `${method} with empty text`).toBeGreaterThan(0);
    for (const button of (payload.reply_markup?.inline_keyboard ?? []).flat() as InlineKeyboardButton[]) {
      expect(button.text.trim().length, "button without a label").toBeGreaterThan(0);
      expect("callback_data" in button || "url" in button, `button without an action: ${JSON.stringify(button)}`).toBe(true);
    }
  }
}

/** Log lines written since `mark`, and a check that none reports a failure. */
export function logWatch(h: Harness) {
  let mark = h.logs.length;
  return {
    reset: () => void (mark = h.logs.length),
    lines: () => h.logs.slice(mark),
    /** The error boundary was not reached, and nothing warned. */
    expectQuiet() {
      const loud = h.logs.slice(mark).filter((l) => l.msg === "update failed" || Number(l.level) >= 40);
      expect(loud.map((l) => ({ msg: l.msg, err: (l.err as { message?: string } | undefined)?.message }))).toEqual([]);
    },
    expectNoTokenLogged() {
      expect(JSON.stringify(h.logs)).not.toContain(TEST_TOKEN.split(":")[1]);
    },
  };
}

export const answers = (calls: Call[]) => calls.filter((c) => c.method === "answerCallbackQuery");
export const sent = (calls: Call[]) => calls.filter((c) => c.method === "sendMessage");

export type LogWatch = ReturnType<typeof logWatch>;

/**
 * A fast-check property over `runs` generated cases (see `fuzz`), each with the harness's log
 * watched afresh: `watch.lines()` are that case's. Returns the watch, for what a test checks of
 * the whole run (no token logged).
 */
export async function forEachCase<T>(h: Harness, cases: fc.Arbitrary<T>, runs: number, check: (value: T, watch: LogWatch) => Promise<void>): Promise<LogWatch> {
  const watch = logWatch(h);
  await fc.assert(
    fc.asyncProperty(cases, async (value) => {
      watch.reset();
      await check(value, watch);
    }),
    fuzz(runs),
  );
  return watch;
}
