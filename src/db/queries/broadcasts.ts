import { and, asc, count, countDistinct, eq, gt, isNotNull, isNull, lte, notExists, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { KIND_PRIORITY, blockedUsers, bookings, broadcasts, courses, messageHistory, messageRecipients, streams, type BookingStatus, type BroadcastRow, type LinkButton } from "../schema";
import { rawWrite } from "../raw";
import { audienceRows, describeAudience } from "./audiences";

export type AudienceGroup = { courseId: number | null; courseName: string | null; stream: string | null; streamTitle: string | null; students: number };

/** The courses, and the streams within them, that have students in that status, with counts. */
export async function listAudienceGroups(db: Db, status: BookingStatus | "any"): Promise<{ courses: AudienceGroup[]; streams: AudienceGroup[] }> {
  // Students are counted once per group, so a course's count is not the sum of its streams'.
  const grouped = (byStream: boolean) =>
    db
      .select({
        courseId: bookings.courseId,
        courseName: courses.name,
        stream: byStream ? bookings.courseStream : sql<null>`NULL`,
        streamTitle: byStream ? streams.title : sql<null>`NULL`,
        students: countDistinct(bookings.userId),
      })
      .from(bookings)
      .leftJoin(blockedUsers, eq(blockedUsers.userId, bookings.userId))
      .leftJoin(courses, eq(courses.id, bookings.courseId))
      .leftJoin(streams, eq(streams.code, bookings.courseStream))
      .where(and(status === "any" ? undefined : eq(bookings.confirmed, status), isNull(blockedUsers.userId)))
      .groupBy(...(byStream ? [bookings.courseId, courses.name, bookings.courseStream, streams.title] : [bookings.courseId, courses.name]))
      .orderBy(...(byStream ? [asc(bookings.courseId), asc(bookings.courseStream)] : [asc(bookings.courseId)]));
  return { courses: await grouped(false), streams: await grouped(true) };
}

/** The link buttons under a broadcast's every copy (and its preview): one a row. */
export const linkMarkup = (buttons: readonly LinkButton[]) => ({ inline_keyboard: buttons.map((b) => [{ text: b.text, url: b.url }]) });

/** A confirmed broadcast: whom, what (a copy of the admin's message), which link buttons, when (null: now). */
export type BroadcastDraft = Pick<NewBroadcastRow, "createdBy" | "audience" | "audienceLabel" | "fromChatId" | "fromMessageId" | "summary" | "buttons"> & { sendAt: Date | null };
type NewBroadcastRow = typeof broadcasts.$inferInsert;

/** A broadcast whose sending has started: its message_history row and how many it goes to. */
export type Started = { id: number; messageId: number; recipients: number; createdBy: number };

/**
 * Saves a broadcast; one without a time starts sending in the same transaction, so it is
 * queued completely or not at all.
 */
export async function createBroadcast(db: Db, draft: BroadcastDraft): Promise<{ id: number; started?: Started }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(broadcasts).values(draft).returning();
    if (draft.sendAt !== null) return { id: row!.id };
    return { id: row!.id, started: await start(tx, row!) };
  });
}

/**
 * Sending starts: the broadcast is recorded the way the real system records one (message_history
 * + one message_recipients row per student, blocked ones left out) and one outbox copy of the
 * admin's message is queued per recipient. The caller holds the broadcast's row, still
 * `scheduled`; it leaves that state here, in the same transaction: a broadcast starts once.
 */
async function start(tx: Db, broadcast: BroadcastRow): Promise<Started> {
  const [history] = await tx
    .insert(messageHistory)
    .values({
      messageText: broadcast.summary,
      totalRecipients: 0,
      successfulDeliveries: 0,
      ...describeAudience(broadcast.audience),
      createdBy: broadcast.createdBy,
      // As the real system records it; never scheduled_at, or its dashboard's scheduler would send it again.
      sentAt: sql`now()`,
    })
    .returning({ id: messageHistory.id });
  const id = history!.id;
  await tx.execute(sql`
    INSERT INTO message_recipients (message_id, user_id, username, delivery_status, created_at)
    SELECT ${id}, a.user_id, a.username, 'pending', now() FROM (${audienceRows(broadcast.audience)}) a
    WHERE NOT EXISTS (SELECT 1 FROM blocked_users x WHERE x.user_id = a.user_id)`);
  const markup = broadcast.buttons.length > 0 ? JSON.stringify(linkMarkup(broadcast.buttons)) : null;
  // Empty text: the copy keeps the original's own text or caption, formatting and all.
  await tx.execute(sql`
    INSERT INTO outbox (dedupe_key, kind, chat_id, text, recipient_id, priority, copy_from_chat_id, copy_message_id, reply_markup)
    SELECT 'broadcast:' || ${id} || ':' || r.user_id, 'broadcast', r.user_id, '', r.id, ${KIND_PRIORITY.broadcast},
      ${broadcast.fromChatId}, ${broadcast.fromMessageId}, ${markup}::jsonb
    FROM message_recipients r WHERE r.message_id = ${id}`);
  const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(messageRecipients).where(eq(messageRecipients.messageId, id));
  await tx.update(messageHistory).set({ totalRecipients: n }).where(eq(messageHistory.id, id));
  await tx.update(broadcasts).set({ status: "started", messageId: id, startedAt: sql`now()` }).where(eq(broadcasts.id, broadcast.id));
  return { id: broadcast.id, messageId: id, recipients: n, createdBy: broadcast.createdBy };
}

/**
 * What follows a scheduled broadcast's start inside its transaction (its admin's progress
 * message queued): it then exists exactly when the start commits, whichever process started it.
 */
export type OnStarted = (tx: Db, started: Started) => Promise<void>;

/**
 * Starts the scheduled broadcasts that are due, a few a call. `SKIP LOCKED`: two processes never
 * take the same one, and a broadcast an admin is starting by hand is left to them.
 */
export async function startDueBroadcasts(db: Db, onStarted?: OnStarted, limit = 5): Promise<Started[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(broadcasts)
      .where(and(eq(broadcasts.status, "scheduled"), lte(broadcasts.sendAt, sql`now()`)))
      .orderBy(asc(broadcasts.sendAt), asc(broadcasts.id))
      .limit(limit)
      .for("update", { skipLocked: true });
    const started: Started[] = [];
    for (const broadcast of due) {
      const one = await start(tx, broadcast);
      await onStarted?.(tx, one);
      started.push(one);
    }
    return started;
  });
}

/** "Send now" on a scheduled broadcast; undefined if it is no longer scheduled (sent or cancelled meanwhile). */
export async function startScheduledNow(db: Db, id: number, onStarted?: OnStarted): Promise<Started | undefined> {
  return db.transaction(async (tx) => {
    const [broadcast] = await tx.select().from(broadcasts).where(and(eq(broadcasts.id, id), eq(broadcasts.status, "scheduled"))).for("update");
    if (!broadcast) return undefined;
    const started = await start(tx, broadcast);
    await onStarted?.(tx, started);
    return started;
  });
}

/** Cancels a scheduled broadcast; false if it is no longer scheduled. */
export async function cancelScheduled(db: Db, id: number): Promise<boolean> {
  const rows = await db
    .update(broadcasts)
    .set({ status: "cancelled" })
    .where(and(eq(broadcasts.id, id), eq(broadcasts.status, "scheduled")))
    .returning({ id: broadcasts.id });
  return rows.length > 0;
}

/** The broadcasts waiting for their time, soonest first. */
export async function listScheduled(db: Db, limit: number): Promise<BroadcastRow[]> {
  return db.select().from(broadcasts).where(eq(broadcasts.status, "scheduled")).orderBy(asc(broadcasts.sendAt), asc(broadcasts.id)).limit(limit);
}

/** The broadcast of ours a message_history row records, if it is one. */
export async function broadcastOfHistory(db: Db, messageId: number): Promise<BroadcastRow | undefined> {
  const [row] = await db.select().from(broadcasts).where(eq(broadcasts.messageId, messageId));
  return row;
}

/** Telegram lets a bot delete its message for 48 hours. */
const DELETABLE_FOR = sql`interval '48 hours'`;

/**
 * "🗑 Delete from chats": one outbox deletion per copy delivered within Telegram's 48 hours, once
 * (a second press finds it asked). Undefined: no such broadcast of ours.
 */
export async function recallBroadcast(db: Db, messageId: number, adminId: number): Promise<{ queued: number; tooOld: number; already: boolean } | undefined> {
  return db.transaction(async (tx) => {
    const [broadcast] = await tx.select().from(broadcasts).where(eq(broadcasts.messageId, messageId)).for("update");
    if (!broadcast) return undefined;
    if (broadcast.recalledBy !== null) return { queued: 0, tooOld: 0, already: true };
    await tx.update(broadcasts).set({ recalledBy: adminId }).where(eq(broadcasts.id, broadcast.id));
    const queued = await rawWrite(tx, sql`
      INSERT INTO outbox (dedupe_key, kind, chat_id, text, recipient_id, priority, deletes_message_id)
      SELECT 'recall:' || ${messageId} || ':' || r.user_id, 'broadcast_recall', r.user_id, '', r.id, ${KIND_PRIORITY.broadcast_recall}, r.telegram_message_id
      FROM message_recipients r JOIN outbox o ON o.recipient_id = r.id AND o.kind = 'broadcast' AND o.status = 'sent'
      WHERE r.message_id = ${messageId} AND r.delivery_status = 'sent' AND r.telegram_message_id IS NOT NULL AND o.sent_at > now() - ${DELETABLE_FOR}
      ON CONFLICT (dedupe_key) DO NOTHING`);
    const { delivered } = await recallCounts(tx, messageId);
    return { queued, tooOld: delivered - queued, already: false };
  });
}

/** Of a broadcast's delivered copies, how many are deleted from the chats. */
export async function recallCounts(db: Db, messageId: number): Promise<{ delivered: number; deleted: number }> {
  const [row] = await db
    .select({
      delivered: sql<number>`count(*) FILTER (WHERE ${messageRecipients.telegramMessageId} IS NOT NULL AND ${messageRecipients.deliveryStatus} IN ('sent', 'deleted'))::int`,
      deleted: sql<number>`count(*) FILTER (WHERE ${messageRecipients.deliveryStatus} = 'deleted')::int`,
    })
    .from(messageRecipients)
    .where(eq(messageRecipients.messageId, messageId));
  return { delivered: row?.delivered ?? 0, deleted: row?.deleted ?? 0 };
}

/**
 * The recall's end: when none of its deletions is queued any more, the admin who asked comes
 * back, once. Callers hold the message_history row (recordRecipientOutcome), so exactly one
 * transaction finds none left.
 */
export async function markRecallDone(tx: Db, messageId: number): Promise<{ recalledBy: number } | undefined> {
  const queued = sql`SELECT 1 FROM outbox o JOIN message_recipients r ON r.id = o.recipient_id
    WHERE r.message_id = ${messageId} AND o.kind = 'broadcast_recall' AND o.status = 'queued'`;
  const [done] = await tx
    .update(broadcasts)
    .set({ recallReportedAt: sql`now()` })
    .where(and(eq(broadcasts.messageId, messageId), isNotNull(broadcasts.recalledBy), isNull(broadcasts.recallReportedAt), sql`NOT EXISTS (${queued})`))
    .returning({ recalledBy: broadcasts.recalledBy });
  return done?.recalledBy != null ? { recalledBy: done.recalledBy } : undefined;
}

export async function setProgressMessage(db: Db, id: number, messageId: number): Promise<void> {
  await db.update(messageHistory).set({ progressMessageId: messageId }).where(eq(messageHistory.id, id));
}

export type BroadcastProgress = {
  id: number;
  total: number;
  sent: number;
  failed: number;
  blocked: number;
  pending: number;
  finished: boolean;
  createdBy: number | null;
  progressMessageId: number | null;
};

/** Where a broadcast stands, counted from its recipients. */
export async function broadcastProgress(db: Db, id: number): Promise<BroadcastProgress | undefined> {
  const [history] = await db.select().from(messageHistory).where(eq(messageHistory.id, id)).limit(1);
  if (!history) return undefined;
  const [c] = await db
    .select({
      sent: sql<number>`count(*) FILTER (WHERE ${messageRecipients.deliveryStatus} = 'sent')::int`,
      failed: sql<number>`count(*) FILTER (WHERE ${messageRecipients.deliveryStatus} = 'failed')::int`,
      blocked: sql<number>`count(*) FILTER (WHERE ${messageRecipients.deliveryStatus} = 'failed' AND ${messageRecipients.error} LIKE '403%')::int`,
      pending: sql<number>`count(*) FILTER (WHERE ${messageRecipients.deliveryStatus} = 'pending')::int`,
    })
    .from(messageRecipients)
    .where(eq(messageRecipients.messageId, id));
  return {
    id,
    total: history.totalRecipients ?? 0,
    sent: c?.sent ?? 0,
    failed: c?.failed ?? 0,
    blocked: c?.blocked ?? 0,
    pending: c?.pending ?? 0,
    finished: history.finishedAt !== null,
    createdBy: history.createdBy,
    progressMessageId: history.progressMessageId,
  };
}

/** The broadcast a recipient row belongs to, if it still exists. */
export async function broadcastOfRecipient(tx: Db, recipientId: number): Promise<number | undefined> {
  const [recipient] = await tx.select({ messageId: messageRecipients.messageId }).from(messageRecipients).where(eq(messageRecipients.id, recipientId));
  return recipient?.messageId ?? undefined;
}

/**
 * Marks a broadcast finished if none of its recipients is pending any more, once: the admin who
 * sent it comes back the one time it happens (null: nobody of ours sent it), else undefined.
 */
export async function markBroadcastFinished(tx: Db, messageId: number): Promise<{ createdBy: number | null; broadcast: boolean } | undefined> {
  const pending = tx
    .select({ one: sql`1` })
    .from(messageRecipients)
    .where(and(eq(messageRecipients.messageId, messageId), eq(messageRecipients.deliveryStatus, "pending")));
  const [done] = await tx
    .update(messageHistory)
    .set({ finishedAt: sql`now()` })
    .where(and(eq(messageHistory.id, messageId), isNull(messageHistory.finishedAt), notExists(pending)))
    .returning({
      createdBy: messageHistory.createdBy,
      // A broadcast of ours, not a message to one student (those have no report).
      broadcast: sql<boolean>`${messageHistory.progressMessageId} IS NOT NULL OR EXISTS (SELECT 1 FROM broadcasts b WHERE b.message_id = ${messageHistory.id})`,
    });
  return done;
}

/** Broadcasts of ours with a progress message, running or finished in the last ten minutes. */
export async function listWatchedBroadcasts(db: Db): Promise<number[]> {
  const rows = await db
    .select({ id: messageHistory.id })
    .from(messageHistory)
    .where(
      and(
        isNotNull(messageHistory.progressMessageId),
        isNotNull(messageHistory.createdBy),
        or(isNull(messageHistory.finishedAt), gt(messageHistory.finishedAt, sql`now() - interval '10 minutes'`)),
      ),
    )
    .limit(50);
  return rows.map((r) => r.id);
}
