import { and, desc, eq, gt, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rawRows } from "../raw";
import { bookings, messageHistory, messageRecipients, outbox, studentMessages, studentRelays, users } from "../schema";
import type { OutgoingMessage } from "./outbox";
import { bookingsWithTitles } from "./student-bookings";

const ms = (value: number) => sql`(${Math.max(0, Math.round(value))}::integer * interval '1 millisecond')`;

/** The booking a student's message is about: their newest live one (new, pending or confirmed), as the real bot picks it. */
export async function liveBooking(db: Db, userId: number) {
  const [row] = await bookingsWithTitles(db)
    .where(and(eq(bookings.userId, userId), sql`${bookings.confirmed} IN (0, 1, 2)`))
    .orderBy(desc(bookings.createdAt), desc(bookings.id))
    .limit(1);
  return row;
}
export type LiveBooking = NonNullable<Awaited<ReturnType<typeof liveBooking>>>;

export type NewStudentMessage = Pick<typeof studentMessages.$inferInsert, "userId" | "direction" | "kind" | "text" | "telegramMessageId" | "adminId" | "adminName" | "outboxId">;

export async function insertStudentMessage(tx: Db, message: NewStudentMessage): Promise<number> {
  const [row] = await tx.insert(studentMessages).values(message).returning({ id: studentMessages.id });
  return row!.id;
}

export async function setRelayOf(tx: Db, messageId: number, relayOutboxId: number): Promise<void> {
  await tx.update(studentMessages).set({ relayOutboxId }).where(eq(studentMessages.id, messageId));
}

/** Queues messages and returns their ids in order (undefined: that key was queued before). */
export async function enqueueReturning(tx: Db, messages: OutgoingMessage[]): Promise<Array<number | undefined>> {
  const ids: Array<number | undefined> = [];
  for (const m of messages) {
    const [row] = await tx.insert(outbox).values(m).onConflictDoNothing({ target: outbox.dedupeKey }).returning({ id: outbox.id });
    ids.push(row?.id);
  }
  return ids;
}

/**
 * The student's relay to a chat, locked, if it is still open: made within `windowMs`, and no
 * admin has written to the student since (an answer opens a new window, so the next question
 * is shown in full).
 */
export async function openRelay(tx: Db, userId: number, chatId: number, windowMs: number) {
  const [row] = await tx
    .select()
    .from(studentRelays)
    .where(and(eq(studentRelays.userId, userId), eq(studentRelays.chatId, chatId), gt(studentRelays.relayedAt, sql`now() - ${ms(windowMs)}`)))
    .for("update");
  return row;
}

export async function countOnRelay(tx: Db, userId: number, chatId: number): Promise<void> {
  await tx
    .update(studentRelays)
    .set({ more: sql`${studentRelays.more} + 1` })
    .where(and(eq(studentRelays.userId, userId), eq(studentRelays.chatId, chatId)));
}

export async function startRelay(tx: Db, relay: Pick<typeof studentRelays.$inferInsert, "userId" | "chatId" | "outboxId" | "editAs" | "baseText">): Promise<void> {
  await tx
    .insert(studentRelays)
    .values({ ...relay, more: 0, shownMore: 0 })
    .onConflictDoUpdate({
      target: [studentRelays.userId, studentRelays.chatId],
      set: { outboxId: relay.outboxId, editAs: relay.editAs, baseText: relay.baseText, more: 0, shownMore: 0, relayedAt: sql`now()`, editedAt: null },
    });
}

/** An admin wrote to the student: their next message opens a new relay. */
export async function closeRelays(tx: Db, userId: number): Promise<void> {
  await tx.delete(studentRelays).where(eq(studentRelays.userId, userId));
}

/**
 * Relays whose count grew since they were last shown, the message already sent, not edited
 * within `gapMs`: each taken for this round (`edited_at` set), so one process edits it.
 */
export async function takeRelaysToCount(db: Db, gapMs: number, limit = 20) {
  const rows = await rawRows<{ user_id: string; chat_id: string; more: number; edit_as: "text" | "caption"; base_text: string; telegram_message_id: string; reply_markup: unknown }>(
    db,
    sql`
    UPDATE student_relays r SET edited_at = now()
    FROM outbox o
    WHERE o.id = r.outbox_id AND o.status = 'sent' AND o.telegram_message_id IS NOT NULL
      AND r.more > r.shown_more AND (r.edited_at IS NULL OR r.edited_at < now() - ${ms(gapMs)})
      AND (r.user_id, r.chat_id) IN (
        SELECT user_id, chat_id FROM student_relays WHERE more > shown_more ORDER BY relayed_at LIMIT ${limit})
    RETURNING r.user_id, r.chat_id, r.more, r.edit_as, r.base_text, o.telegram_message_id, o.reply_markup`,
  );
  return rows.map(
    (r) => ({ userId: Number(r.user_id), chatId: Number(r.chat_id), more: r.more, editAs: r.edit_as, baseText: r.base_text, messageId: Number(r.telegram_message_id), replyMarkup: r.reply_markup }),
  );
}

export async function markRelayShown(db: Db, userId: number, chatId: number, shown: number): Promise<void> {
  await db
    .update(studentRelays)
    .set({ shownMore: sql`greatest(${studentRelays.shownMore}, ${shown})` })
    .where(and(eq(studentRelays.userId, userId), eq(studentRelays.chatId, chatId)));
}

/** The student a relay message in `chatId` shows (an admin's Telegram reply to it). */
export async function studentOfRelay(db: Db, chatId: number, messageId: number): Promise<number | undefined> {
  const [row] = await db
    .select({ userId: outbox.studentId })
    .from(outbox)
    .where(and(eq(outbox.kind, "student_relay"), eq(outbox.chatId, chatId), eq(outbox.telegramMessageId, messageId)))
    .limit(1);
  return row?.userId ?? undefined;
}

/**
 * An admin's message to one student, recorded as the real dashboard records its own: a
 * `message_history` row (`individual`, `sent_at` on insert, never `scheduled_at`) and its one
 * recipient, then the copy in the outbox and the thread. Undefined: this very message was sent
 * already (a double press).
 */
export async function queueAdminMessage(
  tx: Db,
  m: { adminId: number; adminName: string | null; userId: number; kind: string; text: string | null; fromChatId: number; messageId: number },
): Promise<{ outboxId: number } | undefined> {
  const dedupeKey = `reply:${m.fromChatId}:${m.messageId}:${m.userId}`;
  const [already] = await tx.select({ id: outbox.id }).from(outbox).where(eq(outbox.dedupeKey, dedupeKey));
  if (already) return undefined;
  const [student] = await tx.select({ username: users.username }).from(users).where(eq(users.userId, m.userId));
  const [history] = await tx
    .insert(messageHistory)
    .values({ messageText: m.text ?? `[${m.kind}]`, totalRecipients: 1, successfulDeliveries: 0, sentAt: sql`now()`, recipientType: "individual", createdBy: m.adminId })
    .returning({ id: messageHistory.id });
  const [recipient] = await tx
    .insert(messageRecipients)
    .values({ messageId: history!.id, userId: m.userId, username: student?.username ?? null, deliveryStatus: "pending", createdAt: sql`now()` })
    .returning({ id: messageRecipients.id });
  const [row] = await enqueueReturning(tx, [
    { dedupeKey, kind: "student_reply", chatId: m.userId, text: "", copyFromChatId: m.fromChatId, copyMessageId: m.messageId, recipientId: recipient!.id },
  ]);
  await insertStudentMessage(tx, { userId: m.userId, direction: "out", kind: m.kind, text: m.text, adminId: m.adminId, adminName: m.adminName, outboxId: row! });
  await closeRelays(tx, m.userId);
  return { outboxId: row! };
}

/** Who wrote an individual message that failed (the admin to tell), from its recipient row. */
export async function individualSender(tx: Db, recipientId: number): Promise<{ adminId: number; userId: number } | undefined> {
  const [row] = await tx
    .select({ adminId: messageHistory.createdBy, userId: messageRecipients.userId, type: messageHistory.recipientType })
    .from(messageRecipients)
    .innerJoin(messageHistory, eq(messageHistory.id, messageRecipients.messageId))
    .where(eq(messageRecipients.id, recipientId));
  return row && row.type === "individual" && row.adminId != null && row.userId != null ? { adminId: row.adminId, userId: row.userId } : undefined;
}

export type ThreadAnchor = { dir: "first" } | { dir: "older" | "newer"; id: number };

/** A page of a student's thread, newest first, with each admin message's delivery state. */
export async function listThread(db: Db, userId: number, anchor: ThreadAnchor, size: number) {
  const base = db
    .select({
      id: studentMessages.id,
      direction: studentMessages.direction,
      kind: studentMessages.kind,
      text: studentMessages.text,
      adminId: studentMessages.adminId,
      adminName: sql<string | null>`coalesce(${studentMessages.adminName}, ${users.firstName})`,
      createdAt: studentMessages.createdAt,
      status: outbox.status,
      error: outbox.lastError,
    })
    .from(studentMessages)
    .leftJoin(outbox, eq(outbox.id, studentMessages.outboxId))
    .leftJoin(users, eq(users.userId, studentMessages.adminId));
  const rows =
    anchor.dir === "newer"
      ? (await base.where(and(eq(studentMessages.userId, userId), gt(studentMessages.id, anchor.id))).orderBy(studentMessages.id).limit(size + 1)).reverse()
      : await base
          .where(and(eq(studentMessages.userId, userId), anchor.dir === "older" ? lt(studentMessages.id, anchor.id) : undefined))
          .orderBy(desc(studentMessages.id))
          .limit(size + 1);
  const more = rows.length > size;
  const page = anchor.dir === "newer" ? (more ? rows.slice(1) : rows) : rows.slice(0, size);
  const first = page[0]?.id;
  const last = page.at(-1)?.id;
  const [edges] = await db
    .select({
      newer: first === undefined ? sql<boolean>`false` : sql<boolean>`exists (select 1 from student_messages s where s.user_id = ${userId} and s.id > ${first})`,
      older: last === undefined ? sql<boolean>`false` : sql<boolean>`exists (select 1 from student_messages s where s.user_id = ${userId} and s.id < ${last})`,
      total: sql<number>`(select count(*)::int from student_messages s where s.user_id = ${userId})`,
    })
    .from(sql`(select 1) x`);
  return { rows: page, hasNewer: Boolean(edges?.newer), hasOlder: Boolean(edges?.older), total: Number(edges?.total ?? 0) };
}
export type ThreadPage = Awaited<ReturnType<typeof listThread>>;
export type ThreadRow = ThreadPage["rows"][number];


export async function countStudentMessages(db: Db, userId: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(studentMessages).where(eq(studentMessages.userId, userId));
  return Number(row?.n ?? 0);
}
