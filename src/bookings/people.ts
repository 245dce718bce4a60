import type { Db } from "../db/client";
import { insertEvents } from "../db/queries/events";
import type { OutgoingMessage } from "../db/queries/outbox";
import {
  countOnRelay,
  enqueueReturning,
  insertStudentMessage,
  liveBooking,
  openRelay,
  queueAdminMessage,
  setRelayOf,
  startRelay,
  type LiveBooking,
} from "../db/queries/student-messages";
import { lockStudentBookings } from "../db/queries/student-bookings";
import { studentMessageEvent } from "./events";

/** A student's message as the rules need it. */
export type IncomingMessage = {
  /** text, photo, document, voice, video, sticker, … */
  kind: string;
  /** The real bot's `message_type` (python-telegram-bot's class name of the attachment, or "text"). */
  eventType: string;
  text: string | null;
  telegramMessageId: number;
};

/**
 * A relay of a student's message to one admin chat, built by the bot layer: the messages to
 * queue, and which of them carries the header that a count is later added to (and how).
 */
export type Relay = { messages: OutgoingMessage[]; header: { index: number; editAs: "text" | "caption"; baseText: string } };

/** Later messages of a student count on their relay for this long (or until an admin writes to them). */
export const RELAY_WINDOW_MS = 2 * 60_000;

/**
 * A student wrote something that is neither a command, a button nor a receipt. One transaction,
 * under the student's lock (so two messages at once cannot both open a relay): the message joins
 * their thread; with a live booking, the real bot's event; and for each admin chat either a new
 * relay (none open: the first message, or the first since the window passed or an admin answered)
 * or one more on the open relay's count. Nothing a student sends makes more than one relay per
 * window. `relayed`: a new relay went out, so the student is told once, not per message.
 */
export async function recordStudentMessage(
  db: Db,
  request: {
    student: { id: number; username?: string | undefined; firstName: string };
    message: IncomingMessage;
    chats: readonly number[];
    relay: (chatId: number, booking: LiveBooking | undefined, messageId: number) => Relay;
    windowMs?: number;
  },
): Promise<{ relayed: boolean; booking: LiveBooking | undefined }> {
  const { student, message } = request;
  return db.transaction(async (tx) => {
    await lockStudentBookings(tx, student.id);
    const booking = await liveBooking(tx, student.id);
    const id = await insertStudentMessage(tx, { userId: student.id, direction: "in", kind: message.kind, text: message.text, telegramMessageId: message.telegramMessageId });
    if (booking) await insertEvents(tx, [studentMessageEvent(student, booking, { type: message.eventType, text: message.text })]);
    let relayed = false;
    for (const chatId of request.chats) {
      if (await openRelay(tx, student.id, chatId, request.windowMs ?? RELAY_WINDOW_MS)) {
        await countOnRelay(tx, student.id, chatId);
        continue;
      }
      const relay = request.relay(chatId, booking, id);
      const ids = await enqueueReturning(tx, relay.messages);
      const headerId = ids[relay.header.index];
      if (headerId === undefined) continue;
      await startRelay(tx, { userId: student.id, chatId, outboxId: headerId, editAs: relay.header.editAs, baseText: relay.header.baseText });
      await setRelayOf(tx, id, headerId);
      relayed = true;
    }
    return { relayed, booking };
  });
}

/**
 * An admin's message to a student (an answer, or the first word): sent as a copy of the admin's
 * own message, so it arrives exactly as they wrote it (formatting, photo, file), and recorded as
 * the dashboard records its sends. "duplicate": this message was sent to them already.
 */
export async function sendAdminMessage(
  db: Db,
  request: { adminId: number; adminName: string | null; userId: number; kind: string; text: string | null; fromChatId: number; messageId: number },
): Promise<"queued" | "duplicate"> {
  return db.transaction(async (tx) => ((await queueAdminMessage(tx, request)) ? "queued" : "duplicate"));
}
