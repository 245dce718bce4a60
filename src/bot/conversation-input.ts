import type { Conversation } from "@grammyjs/conversations";
import type { BotContext, InnerContext } from "./context";

export type Input =
  | { kind: "cancel"; ctx: InnerContext }
  | { kind: "text"; text: string; ctx: InnerContext }
  | { kind: "choice"; data: string; ctx: InnerContext };

/**
 * The next thing an admin gives a conversation: typed text, /cancel, or a press of one of
 * `choices` on the message `on`. Everything else is not for the conversation: another command
 * ends it and runs as usual, other buttons and messages pass through to their own handlers.
 * Waiting longer than `timeoutMs` ends the conversation silently.
 */
export async function nextInput(
  conversation: Conversation<BotContext, InnerContext>,
  options: { timeoutMs: number; on?: { message_id: number }; choices?: readonly string[] },
): Promise<Input> {
  for (;;) {
    const ctx = await conversation.wait({ maxMilliseconds: options.timeoutMs });
    const text = ctx.message?.text;
    if (text !== undefined) {
      const command = text.trim();
      if (/^\/cancel(@\w+)?$/.test(command)) return { kind: "cancel", ctx };
      if (command.startsWith("/")) await conversation.halt({ next: true });
      return { kind: "text", text, ctx };
    }
    const data = ctx.callbackQuery?.data;
    const onOurMessage = options.on !== undefined && ctx.callbackQuery?.message?.message_id === options.on.message_id;
    if (data !== undefined && onOurMessage && options.choices?.includes(data)) return { kind: "choice", data, ctx };
    await conversation.skip({ next: true });
  }
}
