import { GrammyError } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { InnerContext } from "./context";

type EditOptions = Parameters<InnerContext["editMessageText"]>[1];

/**
 * Puts new text in place of the pressed message. Telegram answers 400 when nothing changed (a
 * refresh, a double tap) or the message is gone; either way there is nothing left to do, so
 * that is not an error for the admin to see. A photo or document (a payment proof with the
 * card's buttons, sent before the review queue) has no text to replace: only its buttons
 * change, and the press's answer says the rest. A new message instead would spend the admin
 * group's 20 a minute on every press.
 */
export async function editInPlace(ctx: InnerContext, text: string, options?: EditOptions): Promise<void> {
  const pressed = ctx.callbackQuery?.message;
  const media = pressed && pressed.text === undefined && (pressed.photo !== undefined || pressed.document !== undefined);
  try {
    if (media) await ctx.editMessageReplyMarkup(options?.reply_markup ? { reply_markup: options.reply_markup as InlineKeyboardMarkup } : {});
    else await ctx.editMessageText(text, options);
  } catch (error) {
    if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
    ctx.log.debug({ description: error.description }, "message left as it was");
  }
}

/** Swaps the pressed message's buttons (none: removes them); the same 400 as above is not an error. */
export async function editButtonsInPlace(ctx: InnerContext, replyMarkup?: InlineKeyboardMarkup): Promise<void> {
  try {
    await ctx.editMessageReplyMarkup(replyMarkup ? { reply_markup: replyMarkup } : {});
  } catch (error) {
    if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
    ctx.log.debug({ description: error.description }, "buttons left as they were");
  }
}

/** Enters a conversation, leaving any other one the admin was in (a double tap, or a new task). */
export async function enterConversation(ctx: InnerContext & { conversation: { exitAll(): Promise<void>; enter(name: string, ...args: unknown[]): Promise<void> } }, name: string, ...args: unknown[]): Promise<void> {
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(name, ...args);
}
