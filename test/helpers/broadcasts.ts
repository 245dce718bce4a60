import type { Message } from "grammy/types";
import type { Db } from "../../src/db/client";
import { createBroadcast } from "../../src/db/queries/broadcasts";
import type { Audience } from "../../src/db/schema";
import { rawQuery, type TestDatabase } from "./db";
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

/** How many broadcasts have started: message_history's rows. */
export async function historyCount(database: TestDatabase): Promise<number> {
  return Number((await rawQuery(database, "SELECT count(*)::int AS n FROM message_history"))[0]!.n);
}

/** message_history as the dashboard reads it (whether sent_at is set, not its time), oldest first. */
export function historyRows(database: TestDatabase) {
  return rawQuery(
    database,
    "SELECT id, message_text, total_recipients, recipient_type, recipient_group, created_by::int AS by, sent_at IS NOT NULL AS sent_at, scheduled_at, finished_at FROM message_history ORDER BY id",
  );
}

/** Every row a press on a broadcast's button could change: equal before and after a press that must change nothing. */
export async function broadcastState(database: TestDatabase) {
  return {
    broadcasts: await rawQuery(database, "SELECT id, status, message_id, send_at, recalled_by, recall_reported_at FROM broadcasts ORDER BY id"),
    history: await rawQuery(database, "SELECT id FROM message_history ORDER BY id"),
    recipients: await rawQuery(database, "SELECT id, delivery_status FROM message_recipients ORDER BY id"),
    outbox: await rawQuery(database, "SELECT id, status FROM outbox ORDER BY id"),
  };
}
