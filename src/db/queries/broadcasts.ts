import { and, asc, count, countDistinct, eq, gt, isNotNull, isNull, notExists, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { KIND_PRIORITY, blockedUsers, bookings, courses, messageHistory, messageRecipients, streams, type BookingStatus } from "../schema";

/** Who gets a broadcast: students with a booking in a status (or any), of a course or stream (or all). */
export type Audience = {
  status: BookingStatus | "any";
  courseId?: number;
  stream?: string;
};

export type AudienceGroup = { courseId: number | null; courseName: string | null; stream: string | null; streamTitle: string | null; students: number };

/** Who is in the audience, blocked or not (joined with blocked_users as the caller needs). */
function audienceFilter(audience: Audience): SQL[] {
  const where: SQL[] = [];
  if (audience.status !== "any") where.push(eq(bookings.confirmed, audience.status));
  if (audience.courseId !== undefined) where.push(eq(bookings.courseId, audience.courseId));
  if (audience.stream !== undefined) where.push(eq(bookings.courseStream, audience.stream));
  return where;
}

/** The audience without the students in blocked_users (shared with the real dashboard). */
const audienceWhere = (audience: Audience): SQL[] => [...audienceFilter(audience), isNull(blockedUsers.userId)];

/** The courses, and the streams within them, that have students in that status, with counts. */
export async function listAudienceGroups(db: Db, status: Audience["status"]): Promise<{ courses: AudienceGroup[]; streams: AudienceGroup[] }> {
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
      .where(and(...audienceWhere({ status })))
      .groupBy(...(byStream ? [bookings.courseId, courses.name, bookings.courseStream, streams.title] : [bookings.courseId, courses.name]))
      .orderBy(...(byStream ? [asc(bookings.courseId), asc(bookings.courseStream)] : [asc(bookings.courseId)]));
  return { courses: await grouped(false), streams: await grouped(true) };
}

/** How many students the audience reaches, and how many it skips as unreachable (blocked the bot). */
export async function countAudience(db: Db, audience: Audience): Promise<{ recipients: number; unreachable: number }> {
  const [row] = await db
    .select({
      recipients: sql<number>`count(DISTINCT ${bookings.userId}) FILTER (WHERE ${blockedUsers.userId} IS NULL)::int`,
      unreachable: sql<number>`count(DISTINCT ${bookings.userId}) FILTER (WHERE ${blockedUsers.userId} IS NOT NULL)::int`,
    })
    .from(bookings)
    .leftJoin(blockedUsers, eq(blockedUsers.userId, bookings.userId))
    .where(and(...audienceFilter(audience)));
  return { recipients: row?.recipients ?? 0, unreachable: row?.unreachable ?? 0 };
}

export const describeAudienceType = (audience: Audience) => (audience.status === "any" ? "all" : `status:${audience.status}`);
export const describeAudienceGroup = (audience: Audience) =>
  [audience.courseId !== undefined ? `course:${audience.courseId}` : undefined, audience.stream !== undefined ? `stream:${audience.stream}` : undefined]
    .filter(Boolean)
    .join(",") || "all";

/**
 * Records a broadcast the way the real system does (message_history + one message_recipients row
 * per student) and queues one outbox message per recipient, all in one transaction, so it is
 * sent completely or not at all. Returns its id and the number of recipients.
 */
export async function createBroadcast(
  db: Db,
  request: { audience: Audience; text: string; adminId: number },
): Promise<{ id: number; recipients: number }> {
  return db.transaction(async (tx) => {
    const [history] = await tx
      .insert(messageHistory)
      .values({
        messageText: request.text,
        totalRecipients: 0,
        successfulDeliveries: 0,
        recipientType: describeAudienceType(request.audience),
        recipientGroup: describeAudienceGroup(request.audience),
        createdBy: request.adminId,
        // As the real system records it; never scheduled_at, or its dashboard's scheduler would send it again.
        sentAt: sql`now()`,
      })
      .returning({ id: messageHistory.id });
    const id = history!.id;
    const audience = tx
      .selectDistinctOn([bookings.userId], { userId: bookings.userId, username: bookings.username })
      .from(bookings)
      .leftJoin(blockedUsers, eq(blockedUsers.userId, bookings.userId))
      .where(and(...audienceWhere(request.audience)))
      .orderBy(bookings.userId, sql`${bookings.createdAt} DESC`)
      .as("audience");
    await tx.execute(sql`
      INSERT INTO message_recipients (message_id, user_id, username, delivery_status, created_at)
      SELECT ${id}, ${audience.userId}, ${audience.username}, 'pending', now() FROM ${audience}`);
    await tx.execute(sql`
      INSERT INTO outbox (dedupe_key, kind, chat_id, text, recipient_id, priority)
      SELECT 'broadcast:' || ${id} || ':' || r.user_id, 'broadcast', r.user_id, ${request.text}, r.id, ${KIND_PRIORITY.broadcast}
      FROM message_recipients r WHERE r.message_id = ${id}`);
    const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(messageRecipients).where(eq(messageRecipients.messageId, id));
    await tx.update(messageHistory).set({ totalRecipients: n }).where(eq(messageHistory.id, id));
    return { id, recipients: n };
  });
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
export async function markBroadcastFinished(tx: Db, messageId: number): Promise<{ createdBy: number | null; recipientType: string | null } | undefined> {
  const pending = tx
    .select({ one: sql`1` })
    .from(messageRecipients)
    .where(and(eq(messageRecipients.messageId, messageId), eq(messageRecipients.deliveryStatus, "pending")));
  const [done] = await tx
    .update(messageHistory)
    .set({ finishedAt: sql`now()` })
    .where(and(eq(messageHistory.id, messageId), isNull(messageHistory.finishedAt), notExists(pending)))
    .returning({ createdBy: messageHistory.createdBy, recipientType: messageHistory.recipientType });
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
