import type { Message, Update, User } from "grammy/types";

export const ADMIN: User = { id: 1001, is_bot: false, first_name: "Анна", username: "anna_admin", language_code: "ru" };
export const STRANGER: User = { id: 666, is_bot: false, first_name: "Mallory", username: "mallory" };

let nextUpdateId = 1;
let nextIncomingId = 100_000;

/** A private text message; a leading `/command` gets its bot_command entity like Telegram sends it. */
export function messageUpdate(text: string, from: User = ADMIN): Update {
  const command = /^\/\S+/.exec(text)?.[0];
  return privateMessage(from, { text, ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command.length }] } : {}) });
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

let nextFileId = 1;

/** A private message from `from` with this content (a photo, a document, …). */
function privateMessage(from: User, content: Record<string, unknown>): Update {
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextIncomingId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from.id, type: "private", first_name: from.first_name },
      from,
      ...content,
    } as Update["message"],
  };
}

/** A private message with a photo, as Telegram sends it: several sizes, the largest last, this file id on it. */
export function photoUpdate(from: User, fileId: string, caption?: string): Update {
  const n = nextFileId++;
  return privateMessage(from, {
    photo: [
      { file_id: `${fileId}-small`, file_unique_id: `small-${n}`, width: 90, height: 120, file_size: 1_500 },
      { file_id: `${fileId}-medium`, file_unique_id: `medium-${n}`, width: 320, height: 427, file_size: 20_000 },
      { file_id: fileId, file_unique_id: `large-${n}`, width: 960, height: 1280, file_size: 150_000 },
    ],
    ...(caption ? { caption } : {}),
  });
}

export type DocumentOptions = { fileId?: string; mimeType?: string; fileName?: string };

/** A private message with a file (a PDF receipt unless told otherwise). */
export function documentUpdate(from: User, options: DocumentOptions = {}): Update {
  const n = nextFileId++;
  return privateMessage(from, {
    document: {
      file_id: options.fileId ?? `doc-of-${from.id}-${n}`,
      file_unique_id: `doc-${n}`,
      file_name: options.fileName ?? "receipt.pdf",
      mime_type: options.mimeType ?? "application/pdf",
      file_size: 80_000,
    },
  });
}

/** A text message in a group (commands get their entity, like messageUpdate). */
export function groupMessageUpdate(text: string, from: User, chatId: number): Update {
  const update = messageUpdate(text, from);
  (update.message as { chat: unknown }).chat = { id: chatId, type: "supergroup", title: "Admins" };
  return update;
}

/** `update` as a Telegram reply to `to` (a message the bot sent), in `to`'s chat. */
export function replyTo(update: Update, to: Message): Update {
  const message = update.message as Message;
  return { ...update, message: { ...message, chat: to.chat, reply_to_message: to } as Update["message"] };
}

/** A private message with a sticker (no caption, copied as it is). */
export function stickerUpdate(from: User): Update {
  return privateMessage(from, { sticker: { file_id: `sticker-${nextFileId++}`, file_unique_id: `s-${nextFileId}`, type: "regular", width: 512, height: 512, is_animated: false, is_video: false } });
}
