import type { Message } from "grammy/types";
import type { IncomingMessage, Relay } from "../bookings/people";
import type { LiveBooking } from "../db/queries/student-messages";
import { escapeHtml } from "./format/html";
import { relayHeader, relayKeyboard, type StudentNames } from "./format/people";
import type { NoticeTarget } from "./notices";

/** Telegram's limits for a message's text and a caption. */
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
/** Kinds whose copy can carry a caption: the header then rides on the copy itself. */
const CAPTIONED = new Set(["photo", "video", "document", "audio", "voice", "animation"]);

/** What a student's message is, for the thread, the relay and the real bot's event. */
export function incomingOf(message: Message): IncomingMessage {
  const kinds = ["photo", "video", "document", "audio", "voice", "animation", "sticker", "video_note", "location", "contact", "poll", "dice", "venue"] as const;
  // python-telegram-bot's class names, as the real bot writes `message_type`.
  const eventTypes: Record<string, string> = {
    photo: "PhotoSize",
    video: "Video",
    document: "Document",
    audio: "Audio",
    voice: "Voice",
    animation: "Animation",
    sticker: "Sticker",
    video_note: "VideoNote",
    location: "Location",
    contact: "Contact",
    poll: "Poll",
    dice: "Dice",
    venue: "Venue",
  };
  const kind = message.text !== undefined ? "text" : (kinds.find((k) => message[k] !== undefined) ?? "other");
  return { kind, eventType: kind === "text" ? "text" : (eventTypes[kind] ?? "Message"), text: message.text ?? message.caption ?? null, telegramMessageId: message.message_id };
}

/** The student's text after the header, escaped and cut (never inside an entity) so the whole stays within `limit`. */
function body(header: string, text: string | null, limit: number): string {
  if (!text) return header;
  // Room for the count line added later, too.
  const room = Math.max(0, limit - header.length - 2 - 200);
  let length = text.length;
  let escaped = escapeHtml(text);
  while (escaped.length > room && length > 0) {
    length = Math.max(0, Math.min(length - 1, Math.floor((length * room) / escaped.length) - 1));
    escaped = `${escapeHtml(text.slice(0, length))}…`;
  }
  return `${header}\n\n${escaped}`;
}

/**
 * How a student's message reaches one admin chat: a text under the header as one message; a
 * photo, video, file or voice as a copy with the header as its caption; anything else (a
 * sticker, a location…) as the header, then the copy. Both carry the student, so an admin's
 * Telegram reply to either answers them.
 */
export function relayTo(target: NoticeTarget, student: StudentNames, booking: LiveBooking | undefined, message: IncomingMessage, studentMessageId: number, botUsername: string): Relay {
  const t = target.t;
  const header = relayHeader(student, booking, t);
  const keyboard = { inline_keyboard: relayKeyboard(student.id, target.group, botUsername, t).inline_keyboard };
  const common = { kind: "student_relay" as const, chatId: target.chatId, parseMode: "HTML" as const, studentId: student.id };
  const key = `relay:${studentMessageId}:${target.chatId}`;
  if (message.kind === "text") {
    const text = body(header, message.text, TEXT_LIMIT);
    return { messages: [{ ...common, dedupeKey: key, text, replyMarkup: keyboard }], header: { index: 0, editAs: "text", baseText: text } };
  }
  const copy = { copyFromChatId: student.id, copyMessageId: message.telegramMessageId };
  if (CAPTIONED.has(message.kind)) {
    const caption = body(header, message.text, CAPTION_LIMIT);
    return { messages: [{ ...common, ...copy, dedupeKey: key, text: caption, replyMarkup: keyboard }], header: { index: 0, editAs: "caption", baseText: caption } };
  }
  return {
    messages: [
      { ...common, dedupeKey: key, text: header, replyMarkup: keyboard },
      { ...common, ...copy, dedupeKey: `${key}:copy`, text: "" },
    ],
    header: { index: 0, editAs: "text", baseText: header },
  };
}
