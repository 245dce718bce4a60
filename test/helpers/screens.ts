import { expect } from "vitest";
import type { ApiCall } from "./fake-telegram";
import { buttonRows } from "./harness";

type Call = Pick<ApiCall, "method" | "payload">;
type Calls = Call[];

/** The texts of the calls that carry one (messages sent and edited, toasts), in order. */
export const textsOf = (calls: Calls) => calls.filter((c) => c.payload.text !== undefined).map((c) => c.payload.text);

/**
 * A screen as the admin sees it: the message (a call, or the first of the calls) reads exactly
 * these lines and, when given, its buttons are these rows (by their labels).
 */
export function expectScreen(sent: Call | Calls, lines: string[], rows?: string[][]): void {
  const call = Array.isArray(sent) ? sent[0]! : sent;
  expect(call.payload.text).toBe(lines.join("\n"));
  if (rows) expect(buttonRows(call.payload.reply_markup)).toEqual(rows);
}
