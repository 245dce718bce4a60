import { InlineKeyboard } from "grammy";

type Button = { label: string; data: string };

/** A message of a screen: its text (HTML) and its buttons. */
export type Screen = { text: string; keyboard: InlineKeyboard };

/** A screen with a question under it, and "yes" and "back" in place of its buttons: one more press before a change. */
export function withQuestion(screen: { text: string }, question: string, yes: Button, back: Button): Screen {
  return { text: `${screen.text}\n\n${question}`, keyboard: new InlineKeyboard().text(yes.label, yes.data).text(back.label, back.data) };
}

/** A screen as a conversation keeps it between replays: plain JSON, ready for `reply`. */
export type PlainScreen = { text: string; reply_markup: { inline_keyboard: InlineKeyboard["inline_keyboard"] } };
export const plainScreen = (screen: Screen | undefined): PlainScreen | null =>
  screen ? { text: screen.text, reply_markup: { inline_keyboard: screen.keyboard.inline_keyboard } } : null;
