import { and, eq, inArray, isNotNull, notExists, sql } from "drizzle-orm";
import type { Db } from "../client";
import { blockedUsers, messageHistory, messageRecipients, outbox, type NewOutboxRow, type OutboxRow } from "../schema";

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

/**
 * The delivery worker's SQL. Times (`now()`) are the database's, so processes on machines with
 * different clocks agree on leases and due dates.
 */

const ms = (value: number) => sql`(${Math.max(0, Math.round(value))}::integer * interval '1 millisecond')`;

export type ClaimArgs = {
  owner: string;
  limit: number;
  leaseMs: number;
  perChatIntervalMs: number;
  /** A chat still inside its interval is taken if its next send is due within this long. */
  aheadMs: number;
};

/** A leased message, and how long its chat must still wait after the last message sent to it. */
export type ClaimedRow = { row: OutboxRow; chatWaitMs: number };

/**
 * Leases up to `limit` due messages, at most one per chat, for `owner`.
 *
 * A message is taken only if it is its chat's next one: the lowest id among the chat's queued
 * messages that are due or already tried (scheduled ones still in the future do not hold the
 * chat back), no message of that chat is leased by anyone (every leased row has been tried, so
 * the window sees it), and the chat's interval since the last message sent to it ends within
 * `aheadMs`; how much of it is left comes back as `chatWaitMs` (measured on the database's clock
 * from `sent_at`, which is recorded after Telegram answered), for the rate limiter to wait out.
 * So per-chat order is kept, and two processes never send to one chat at once nor closer than
 * the interval. `FOR UPDATE SKIP LOCKED` lets concurrent claimers pass over each other's rows; a
 * row leased by a transaction that commits meanwhile is re-checked by PostgreSQL against its new
 * `lease_until` and dropped.
 *
 * The chats with the most due messages go first, then the oldest messages: a chat's messages
 * can only follow one an interval, so a backlog to one chat (50 messages to one student during
 * a broadcast) left to its turn would be sent at the end, one an interval, while nothing else is
 * left to send. Served first, it runs at its own pace beside the rest and ends no later than
 * they do; it takes one send an interval at most, so the others still get the remaining rate.
 *
 * One pass over the queued rows with a window, rather than correlated NOT EXISTS per row: the
 * plan stays linear whatever the statistics say (before autoanalyze has run, with the table's
 * statistics from when it was empty, the correlated form was planned as a nested loop over the
 * whole queue per row: 2.8 s per claim at 10,000 queued).
 */
export async function claimDue(db: Db, args: ClaimArgs): Promise<ClaimedRow[]> {
  if (args.limit <= 0) return [];
  return db.transaction(async (tx) => {
    const due = rowsOf<{ id: number | string; wait_ms: number }>(
      await tx.execute(sql`
        SELECT o.id,
               coalesce(ceil(1000 * extract(epoch FROM (
                 SELECT max(recent.sent_at) FROM outbox recent WHERE recent.chat_id = o.chat_id
               ) + ${ms(args.perChatIntervalMs)} - now())), 0)::integer AS wait_ms
        FROM outbox o
        JOIN (
          SELECT head.id, head.due, head.not_before
          FROM (
            SELECT id, chat_id, not_before,
                   min(id) OVER chat AS first_id,
                   count(*) FILTER (WHERE lease_until >= now()) OVER chat AS leased,
                   count(*) FILTER (WHERE not_before <= now()) OVER chat AS due
            FROM outbox
            WHERE status = 'queued' AND (not_before <= now() OR attempts > 0 OR last_error IS NOT NULL)
            WINDOW chat AS (PARTITION BY chat_id)
          ) AS head
          WHERE head.id = head.first_id AND head.leased = 0 AND head.not_before <= now()
            AND NOT EXISTS (
              SELECT 1 FROM outbox recent
              WHERE recent.chat_id = head.chat_id AND recent.sent_at > now() - ${ms(args.perChatIntervalMs - args.aheadMs)})
          ORDER BY head.due DESC, head.not_before, head.id
          LIMIT ${args.limit}
        ) AS head ON head.id = o.id
        WHERE o.status = 'queued' AND (o.lease_until IS NULL OR o.lease_until < now())
        ORDER BY head.due DESC, head.not_before, o.id
        FOR UPDATE OF o SKIP LOCKED`),
    );
    if (due.length === 0) return [];
    const ids = due.map((r) => Number(r.id));
    // A broadcast the dashboard deleted meanwhile (its recipients cascade away) is not sent on.
    await tx
      .update(outbox)
      .set({ status: "failed", lastError: "not sent: the broadcast was deleted", leaseUntil: null, leaseOwner: null })
      .where(
        and(
          inArray(outbox.id, ids),
          isNotNull(outbox.recipientId),
          notExists(tx.select({ one: sql`1` }).from(messageRecipients).where(eq(messageRecipients.id, outbox.recipientId))),
        ),
      );
    const leased = await tx
      .update(outbox)
      .set({ leaseUntil: sql`now() + ${ms(args.leaseMs)}`, leaseOwner: args.owner, attempts: sql`${outbox.attempts} + 1` })
      .where(and(inArray(outbox.id, ids), eq(outbox.status, "queued")))
      .returning();
    const byId = new Map(leased.map((row) => [row.id, row]));
    // In the claim's order: the limiter books slots in the order the worker hands rows to it.
    return due.flatMap((d) => {
      const row = byId.get(Number(d.id));
      return row ? [{ row, chatWaitMs: Math.max(0, Number(d.wait_ms)) }] : [];
    });
  });
}

/** node-postgres answers raw SQL with `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

const mine = (id: number, owner: string) => and(eq(outbox.id, id), eq(outbox.leaseOwner, owner), eq(outbox.status, "queued"));

/**
 * Telegram accepted the message. Guarded by the lease owner only (not by the lease's expiry): a
 * late write still wins if nobody took the row over, which is what avoids a second send.
 * False: another process owns the row now (it may send it again — logged by the caller).
 */
export async function markSent(tx: Db, args: { id: number; owner: string; telegramMessageId: number }): Promise<boolean> {
  const rows = await tx
    .update(outbox)
    .set({ status: "sent", telegramMessageId: args.telegramMessageId, sentAt: sql`now()`, leaseUntil: null, leaseOwner: null })
    .where(mine(args.id, args.owner))
    .returning({ id: outbox.id });
  return rows.length > 0;
}

export async function markFailed(tx: Db, args: { id: number; owner: string; error: string }): Promise<boolean> {
  const rows = await tx
    .update(outbox)
    .set({ status: "failed", lastError: args.error, leaseUntil: null, leaseOwner: null })
    .where(mine(args.id, args.owner))
    .returning({ id: outbox.id });
  return rows.length > 0;
}

/** Back to the queue, due again after `delayMs`; `refund` gives back the attempt the claim counted. */
export async function requeue(db: Db, args: { id: number; owner: string; delayMs: number; error: string | null; refund: boolean }): Promise<boolean> {
  const rows = await db
    .update(outbox)
    .set({
      notBefore: sql`now() + ${ms(args.delayMs)}`,
      ...(args.error === null ? {} : { lastError: args.error }),
      leaseUntil: null,
      leaseOwner: null,
      ...(args.refund ? { attempts: sql`greatest(${outbox.attempts} - 1, 0)` } : {}),
    })
    .where(mine(args.id, args.owner))
    .returning({ id: outbox.id });
  return rows.length > 0;
}

/**
 * Telegram refused for good (403): the student blocked the bot or the account is gone. Recorded
 * in the real system's blocked_users, as its dashboard records it, so both skip them.
 */
export async function markUserBlocked(tx: Db, args: { userId: number; reason: string }): Promise<void> {
  await tx
    .insert(blockedUsers)
    .values({ userId: args.userId, reason: args.reason })
    .onConflictDoUpdate({ target: blockedUsers.userId, set: { blockedAt: sql`now()`, reason: args.reason } });
}

/**
 * The broadcast log the real system's dashboard reads. The broadcast's `message_history` row is
 * locked for every outcome (sent or failed), so the outcomes of one broadcast are recorded one
 * after another: a check made after this call in the same transaction (onOutcome: "was this
 * the last recipient?") sees every other recipient's committed outcome, and exactly one
 * transaction finds none left.
 */
export async function recordRecipientOutcome(
  tx: Db,
  args: { recipientId: number; status: "sent" | "failed"; telegramMessageId?: number; error?: string },
): Promise<void> {
  const [recipient] = await tx
    .update(messageRecipients)
    .set(
      args.status === "sent"
        ? { deliveryStatus: "sent", telegramMessageId: args.telegramMessageId ?? null, error: null }
        : { deliveryStatus: "failed", error: args.error ?? null },
    )
    .where(eq(messageRecipients.id, args.recipientId))
    .returning({ messageId: messageRecipients.messageId });
  if (recipient?.messageId == null) return;
  if (args.status === "sent") {
    await tx
      .update(messageHistory)
      .set({ successfulDeliveries: sql`coalesce(${messageHistory.successfulDeliveries}, 0) + 1` })
      .where(eq(messageHistory.id, recipient.messageId));
  } else {
    await tx.select({ id: messageHistory.id }).from(messageHistory).where(eq(messageHistory.id, recipient.messageId)).for("update");
  }
}
