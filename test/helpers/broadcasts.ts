import type { Message } from "grammy/types";
import type { Db } from "../../src/db/client";
import { createBroadcast } from "../../src/db/queries/broadcasts";
import type { Audience } from "../../src/db/schema";
import type { FakeTelegram } from "./fake-telegram";

let nextSource = 900_000;

/**
 * A text broadcast queued as `/broadcast` queues one: copies of the admin's own message, which
 * the fake Bot API is told about (as Telegram knows the messages people send). `id` is its
 * message_history row, the number admins see.
 */
export async function queueTextBroadcast(db: Db, api: FakeTelegram, args: { audience: Audience; text: string; adminId: number }) {
  const source = { message_id: nextSource++, date: Math.floor(Date.now() / 1000), chat: { id: args.adminId, type: "private", first_name: "Admin" }, text: args.text } as Message;
  api.remember(source);
  const made = await createBroadcast(db, {
    createdBy: args.adminId,
    audience: args.audience,
    audienceLabel: "test",
    fromChatId: args.adminId,
    fromMessageId: source.message_id,
    summary: args.text,
    buttons: [],
    sendAt: null,
  });
  return { id: made.started!.messageId, recipients: made.started!.recipients };
}
