import { InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import type { Conversation } from "@grammyjs/conversations";
import type { PreviewButtons } from "./callback-data";
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

/**
 * The next message an admin sends a conversation, of any kind (a text, a photo, a file…), or
 * /cancel. Another command ends the conversation and runs as usual; buttons pass through to
 * their own handlers. Waiting longer than `timeoutMs` ends the conversation silently.
 */
export async function nextMessage(
  conversation: Conversation<BotContext, InnerContext>,
  options: { timeoutMs: number },
): Promise<{ kind: "cancel"; ctx: InnerContext } | { kind: "message"; message: Message; ctx: InnerContext }> {
  for (;;) {
    const ctx = await conversation.wait({ maxMilliseconds: options.timeoutMs });
    const message = ctx.message;
    if (!message) {
      await conversation.skip({ next: true });
      continue;
    }
    const text = message.text?.trim();
    if (text !== undefined && /^\/cancel(@\w+)?$/.test(text)) return { kind: "cancel", ctx };
    if (text?.startsWith("/")) await conversation.halt({ next: true });
    return { kind: "message", message, ctx };
  }
}

/** A typed text shown back: the message and the labels of its two buttons. */
export type Preview = { text: string; html?: boolean; confirm: string; drop: string };

export type TextLoop = {
  /** Asked once, before the first answer. */
  prompt: string;
  timeoutMs: number;
  /** The preview's callback data (callback-data.ts). */
  buttons: PreviewButtons;
  /** What is wrong with a typed text, in the admin's words, or nothing; the admin then types again. */
  problem?: (text: string) => string | undefined;
  /** The preview of an acceptable text, or a last word that ends the loop (nobody to send it to). */
  preview: (text: string) => Preview | { end: string } | Promise<Preview | { end: string }>;
  /** What the admin is told on leaving, by /cancel or by the drop button. */
  left: string;
  /**
   * A preview that asks a question is answered in place when dropped (`left` replaces it); any
   * other keeps its text, loses its buttons, and `left` follows as a message of its own.
   */
  dropReplacesPreview?: boolean;
};

/**
 * "Type a text → see a preview → confirm": asks `prompt`, shows every acceptable text back with
 * a confirm and a drop button, and takes the text of the preview whose confirm was pressed. A new
 * text replaces the preview (the old one's buttons are then stale); /cancel or drop leaves, and
 * the admin is told. Returns the text and the confirming press, not yet answered, or nothing
 * when the admin left.
 */
export async function confirmedText(
  conversation: Conversation<BotContext, InnerContext>,
  ctx: InnerContext,
  loop: TextLoop,
): Promise<{ text: string; ctx: InnerContext } | undefined> {
  await ctx.reply(loop.prompt);
  const { confirm, drop } = loop.buttons;
  let shown: { message_id: number; text: string } | undefined;
  for (;;) {
    const input = await nextInput(conversation, { timeoutMs: loop.timeoutMs, on: shown, choices: [confirm, drop] });
    const update = input.ctx;
    if (input.kind === "cancel") {
      await update.reply(loop.left);
      return undefined;
    }
    if (input.kind === "text") {
      const problem = loop.problem?.(input.text);
      if (problem !== undefined) {
        await update.reply(problem);
        continue;
      }
      const preview = await loop.preview(input.text);
      if ("end" in preview) {
        await update.reply(preview.end);
        return undefined;
      }
      const message = await update.reply(preview.text, {
        ...(preview.html ? { parse_mode: "HTML" as const } : {}),
        reply_markup: new InlineKeyboard().text(preview.confirm, confirm).text(preview.drop, drop),
      });
      shown = { message_id: message.message_id, text: input.text };
      continue;
    }
    if (input.data === confirm) return { text: shown!.text, ctx: update };
    if (loop.dropReplacesPreview) {
      await update.editMessageText(loop.left);
      await update.answerCallbackQuery();
    } else {
      await update.editMessageReplyMarkup();
      await update.answerCallbackQuery();
      await update.reply(loop.left);
    }
    return undefined;
  }
}
