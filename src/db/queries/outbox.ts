import { and, eq, inArray, isNotNull, notExists, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rawRows } from "../raw";
import { KIND_PRIORITY, blockedUsers, messageHistory, messageRecipients, outbox, type NewOutboxRow, type OutboxRow } from "../schema";

export type OutgoingMessage = Pick<
  NewOutboxRow,
  "dedupeKey" | "kind" | "chatId" | "text" | "parseMode" | "replyMarkup" | "bookingId" | "recipientId" | "notBefore" | "mediaKind" | "mediaFileId" | "priority" | "digest" | "copyFromChatId" | "copyMessageId" | "studentId" | "deletesMessageId"
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
    .values(messages.map((m) => ({ ...m, priority: m.priority ?? KIND_PRIORITY[m.kind] })))
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
  /** Least time between two messages to a private chat, and to a group (from the last one sent). */
  perChatIntervalMs: number;
  groupIntervalMs: number;
  /**
   * Book a private chat's next slot in `send_pacing` too, as a group's always is: while other
   * processes send, one of them may answer this student directly meanwhile.
   */
  pacePrivateChats?: { intervalMs: number } | undefined;
  /** A chat still inside its interval is taken if its next send is due within this long. */
  aheadMs: number;
  /** Rows folded into one digest at most (0: no digests). */
  digestLimit: number;
};

/**
 * A leased message, how long its chat must still wait after the last message sent to it, and the
 * rows of the same digest folded into it (sent as one message with it).
 */
export type ClaimedRow = { row: OutboxRow; chatWaitMs: number; merged: OutboxRow[] };

/**
 * Leases up to `limit` due messages, at most one per chat, for `owner`.
 *
 * A message is taken only if it is its chat's next one: the lowest id among the chat's queued
 * messages that are due or already tried (scheduled ones still in the future do not hold the
 * chat back), no message of that chat is leased by anyone (every leased row has been tried, so
 * the window sees it), and the chat's interval since the last message sent to it ends within
 * `aheadMs`; how much of it is left comes back as `chatWaitMs` (measured on the database's clock
 * from `sent_at`, which is recorded after Telegram answered), for the send budget to wait out.
 * A group's calls are also paced in `send_pacing`, which every process's direct calls to it book
 * too: a group's message is taken only when its slot there is near, and its slot is booked here.
 * So per-chat order is kept, and two processes never send to one chat at once nor closer than
 * the interval. `FOR UPDATE SKIP LOCKED` lets concurrent claimers pass over each other's rows; a
 * row leased by a transaction that commits meanwhile is re-checked by PostgreSQL against its new
 * `lease_until` and dropped.
 *
 * Most urgent first (`priority`: notices, then students' messages, then broadcasts), then the
 * chats with the most due messages, then the oldest: a chat's messages can only follow one an
 * interval, so a backlog to one chat (50 messages to one student during a broadcast) left to its
 * turn would be sent at the end, one an interval, while nothing else is left to send. Served
 * first, it runs at its own pace beside the rest and ends no later than they do.
 *
 * A message with a `digest` takes along its chat's other due messages of the same digest (up to
 * `digestLimit`), marked `merged` into it: under load the admin group gets one message for many
 * new bookings instead of one each, within its 20 a minute.
 *
 * One pass over the queued rows with a window, rather than correlated NOT EXISTS per row: the
 * plan stays linear whatever the statistics say (before autoanalyze has run, with the table's
 * statistics from when it was empty, the correlated form was planned as a nested loop over the
 * whole queue per row: 2.8 s per claim at 10,000 queued).
 */
export async function claimDue(db: Db, args: ClaimArgs): Promise<ClaimedRow[]> {
  if (args.limit <= 0) return [];
  const gap = (chat: ReturnType<typeof sql>) => sql`(CASE WHEN ${chat} < 0 THEN ${ms(args.groupIntervalMs)} ELSE ${ms(args.perChatIntervalMs)} END)`;
  return db.transaction(async (tx) => {
    const due = await rawRows<{ id: number | string; chat_id: number | string; wait_ms: number }>(
      tx,
      sql`
        SELECT o.id, o.chat_id,
               coalesce(ceil(1000 * extract(epoch FROM (
                 SELECT max(recent.sent_at) FROM outbox recent WHERE recent.chat_id = o.chat_id
               ) + ${gap(sql`o.chat_id`)} - now())), 0)::integer AS wait_ms
        FROM outbox o
        JOIN (
          SELECT head.id, head.due, head.not_before, head.priority
          FROM (
            SELECT id, chat_id, not_before, priority,
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
              WHERE recent.chat_id = head.chat_id AND recent.sent_at > now() - ${gap(sql`head.chat_id`)} + ${ms(args.aheadMs)})
            AND NOT EXISTS (
              SELECT 1 FROM send_pacing pace WHERE pace.chat_id = head.chat_id AND pace.next_at > now() + ${ms(args.aheadMs)})
          ORDER BY head.priority, head.due DESC, head.not_before, head.id
          LIMIT ${args.limit}
        ) AS head ON head.id = o.id
        WHERE o.status = 'queued' AND (o.lease_until IS NULL OR o.lease_until < now())
        ORDER BY head.priority, head.due DESC, head.not_before, o.id
        FOR UPDATE OF o SKIP LOCKED`,
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
    const claimed: ClaimedRow[] = [];
    // In the claim's order: the budget serves a priority's waiters in the order they come.
    for (const d of due) {
      const row = byId.get(Number(d.id));
      if (!row) continue;
      let chatWaitMs = Math.max(0, Number(d.wait_ms));
      if (row.chatId < 0) chatWaitMs = Math.max(chatWaitMs, await bookChatSlot(tx, row.chatId, args.groupIntervalMs));
      else if (args.pacePrivateChats) chatWaitMs = Math.max(chatWaitMs, await bookChatSlot(tx, row.chatId, args.pacePrivateChats.intervalMs));
      const merged = row.digest && args.digestLimit > 0 ? await foldDigest(tx, row, args.digestLimit) : [];
      claimed.push({ row, chatWaitMs, merged });
    }
    return claimed;
  });
}

/** The chat's next slot in `send_pacing` (see reserveChatSlot), booked inside the claim. */
async function bookChatSlot(tx: Db, chatId: number, intervalMs: number): Promise<number> {
  const [row] = await rawRows<{ wait_ms: number }>(
    tx,
    sql`
      INSERT INTO send_pacing AS p (chat_id, next_at) VALUES (${chatId}, now() + ${ms(intervalMs)})
      ON CONFLICT (chat_id) DO UPDATE SET next_at = greatest(p.next_at, now()) + ${ms(intervalMs)}
      RETURNING greatest(0, ceil(1000 * extract(epoch FROM (p.next_at - now()))) - ${Math.round(intervalMs)})::integer AS wait_ms`,
  );
  return Number(row?.wait_ms ?? 0);
}

/** Takes the chat's other due rows of `head`'s digest into it; returns every row merged into it so far. */
async function foldDigest(tx: Db, head: OutboxRow, limit: number): Promise<OutboxRow[]> {
  await tx.execute(sql`
    UPDATE outbox SET status = 'merged', merged_into = ${head.id}, lease_until = NULL, lease_owner = NULL
    WHERE id IN (
      SELECT id FROM outbox
      WHERE status = 'queued' AND chat_id = ${head.chatId} AND digest = ${head.digest} AND id <> ${head.id}
        AND not_before <= now() AND (lease_until IS NULL OR lease_until < now())
      ORDER BY id
      LIMIT ${Math.max(0, limit - 1 - (await countMerged(tx, head.id)))}
      FOR UPDATE SKIP LOCKED)`);
  return tx.select().from(outbox).where(eq(outbox.mergedInto, head.id)).orderBy(outbox.id);
}

async function countMerged(tx: Db, headId: number): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::integer` }).from(outbox).where(eq(outbox.mergedInto, headId));
  return Number(row?.n ?? 0);
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

/**
 * Back to the queue, due again after `delayMs` (`undefined`: at its old time, keeping its turn);
 * `refund` gives back the attempt the claim counted.
 */
export async function requeue(db: Db, args: { id: number; owner: string; delayMs: number | undefined; error: string | null; refund: boolean }): Promise<boolean> {
  const rows = await db
    .update(outbox)
    .set({
      ...(args.delayMs === undefined ? {} : { notBefore: sql`now() + ${ms(args.delayMs)}` }),
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
  args:
    | { recipientId: number; status: "sent"; telegramMessageId: number }
    | { recipientId: number; status: "failed"; error: string }
    // A recall's deletion: `deleted` as the dashboard marks it, or the copy stays `sent` with why not.
    | { recipientId: number; status: "deleted" }
    | { recipientId: number; status: "not_deleted"; error: string },
): Promise<void> {
  const set =
    args.status === "sent"
      ? { deliveryStatus: "sent" as const, telegramMessageId: args.telegramMessageId, error: null }
      : args.status === "failed"
        ? { deliveryStatus: "failed" as const, error: args.error }
        : args.status === "deleted"
          ? { deliveryStatus: "deleted" as const, error: null }
          : { error: `not deleted: ${args.error}` };
  const [recipient] = await tx.update(messageRecipients).set(set).where(eq(messageRecipients.id, args.recipientId)).returning({ messageId: messageRecipients.messageId });
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

/** Whether the student blocked the bot (as far as a 403 or the dashboard said). */
export async function isUserBlocked(db: Db, userId: number): Promise<boolean> {
  const [row] = await db.select({ id: blockedUsers.userId }).from(blockedUsers).where(eq(blockedUsers.userId, userId)).limit(1);
  return row !== undefined;
}
