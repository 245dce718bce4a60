import type { Conversation } from "@grammyjs/conversations";
import type { BotContext, InnerContext } from "./context";
import { nextInput } from "./conversation-input";

export type Checked<T> = { value: T } | { problem: string };

/**
 * One step of a form-like conversation (/courses, /coupons): waits until the admin presses one
 * of `choices` on the question `on`, or types something `read` accepts. A refused text gets its
 * problem (HTML) and the step waits on; /cancel or the `cancel` button end it (undefined). A
 * pressed question loses its buttons, so it cannot be pressed twice.
 */
export async function answerStep<T>(
  conversation: Conversation<BotContext, InnerContext>,
  step: {
    timeoutMs: number;
    on?: { message_id: number };
    choices?: Readonly<Record<string, T>>;
    cancel?: string;
    read?: (text: string) => Promise<Checked<T>>;
    /** The answer to text when the step takes buttons only. */
    useButtons?: string;
    cancelled: string;
  },
): Promise<{ value: T; ctx: InnerContext } | undefined> {
  const choices = step.choices ?? {};
  const data = [...Object.keys(choices), ...(step.cancel ? [step.cancel] : [])];
  for (;;) {
    const input = await nextInput(conversation, { timeoutMs: step.timeoutMs, ...(step.on ? { on: step.on } : {}), choices: data });
    const ctx = input.ctx;
    if (input.kind === "cancel") {
      await ctx.reply(step.cancelled);
      return undefined;
    }
    if (input.kind === "text") {
      const checked = step.read ? await step.read(input.text) : { problem: step.useButtons ?? step.cancelled };
      if ("value" in checked) return { value: checked.value, ctx };
      await ctx.reply(checked.problem, { parse_mode: "HTML" });
      continue;
    }
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup();
    if (input.data === step.cancel) {
      await ctx.reply(step.cancelled);
      return undefined;
    }
    return { value: choices[input.data] as T, ctx };
  }
}
