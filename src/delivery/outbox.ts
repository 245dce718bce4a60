import type { Db } from "../db/client";
import { outbox, type NewOutboxRow } from "../db/schema";

export type OutgoingMessage = Pick<
  NewOutboxRow,
  "dedupeKey" | "kind" | "chatId" | "text" | "parseMode" | "replyMarkup" | "bookingId" | "recipientId" | "notBefore" | "mediaKind" | "mediaFileId"
>;

/**
 * Queues messages inside the caller's transaction, so a message exists exactly when the change
 * that causes it commits. A key already queued is skipped: the same event never queues twice.
 * Returns how many were new.
 */
export async function enqueue(tx: Db, messages: OutgoingMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const inserted = await tx
    .insert(outbox)
    .values(messages)
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning({ id: outbox.id });
  return inserted.length;
}
