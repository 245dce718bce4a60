import type { Message, Update, User } from "grammy/types";

export const ADMIN: User = { id: 1001, is_bot: false, first_name: "Анна", username: "anna_admin", language_code: "ru" };
export const STRANGER: User = { id: 666, is_bot: false, first_name: "Mallory", username: "mallory" };

let nextUpdateId = 1;
let nextIncomingId = 100_000;

/** A private text message; a leading `/command` gets its bot_command entity like Telegram sends it. */
export function messageUpdate(text: string, from: User = ADMIN): Update {
  const command = /^\/\S+/.exec(text)?.[0];
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextIncomingId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from.id, type: "private", first_name: from.first_name },
      from,
      text,
      ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command.length }] } : {}),
    } as Update["message"],
  };
}

/** A press on a button of `message` (a message the bot sent, as the fake API stored it). */
export function callbackUpdate(message: Message, data: string, from: User = ADMIN): Update {
  return {
    update_id: nextUpdateId++,
    callback_query: {
      id: String(nextUpdateId * 7),
      from,
      chat_instance: `ci-${message.chat.id}`,
      message: message as Message & { date: number },
      data,
    },
  } as Update;
}
