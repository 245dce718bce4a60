import { InlineKeyboard } from "grammy";
import type { LiveBooking, ThreadPage, ThreadRow } from "../../db/queries/student-messages";
import { packMessages, packThread } from "../callback-data";
import type { Texts } from "../i18n";
import { deepLink } from "./digest";
import { courseTitle, displayName, displayUsername, formatCount, formatDateTime, safe, statusText, streamTitle } from "./values";

export type StudentNames = { id: number; username?: string | null | undefined; firstName?: string | null | undefined; lastName?: string | null | undefined };

/** Who wrote and about which booking: the top of every relay of a student's message. */
export function relayHeader(student: StudentNames, booking: LiveBooking | undefined, t: Texts): string {
  return [
    t.people.header(displayName(t, student.firstName, student.lastName), displayUsername(t, student.username), student.id),
    booking
      ? t.people.booking(booking.id, courseTitle(booking.courseId, booking.courseName, t), streamTitle(booking.courseStream, booking.streamTitle, t), statusText(booking.confirmed, t))
      : t.people.noBooking,
  ].join("\n");
}

/**
 * Reply and open the student: in the group, links that open the admin's private chat with the
 * bot (a conversation lives there); in a private chat, buttons.
 */
export function relayKeyboard(userId: number, group: boolean, botUsername: string, t: Texts): InlineKeyboard {
  return group
    ? new InlineKeyboard().url(t.people.reply, deepLink(botUsername, `reply${userId}`)).url(t.people.student, deepLink(botUsername, `u${userId}`))
    : new InlineKeyboard().text(t.people.reply, packMessages({ op: "write", userId })).text(t.people.student, packMessages({ op: "open", userId }));
}

/** The relay's text (or caption) with the running count of messages that came after it. */
export const withMore = (base: string, more: number, userId: number, t: Texts) => `${base}\n${t.people.more(more, userId)}`;

const kindText = (row: Pick<ThreadRow, "kind" | "text">, t: Texts) =>
  [row.kind === "text" ? undefined : (t.people.kind[row.kind] ?? t.people.kind.other), row.text ? safe(row.text, 300) : undefined].filter(Boolean).join(" ");

/** A page of a student's thread, newest first: who, when, what, and whether an admin's message arrived. */
export function formatThread(student: StudentNames, page: ThreadPage, timeZone: string, t: Texts): { text: string; keyboard: InlineKeyboard } {
  const name = displayName(t, student.firstName, student.lastName);
  const lines = page.rows.map((row) => {
    const date = formatDateTime(row.createdAt, timeZone);
    if (row.direction === "in") return t.people.fromStudent(date, name, kindText(row, t));
    const state = row.status === "sent" ? t.people.delivered : row.status === "failed" ? t.people.notDelivered(safe(row.error ?? "", 120)) : t.people.queued;
    return t.people.fromAdmin(date, row.adminName ? safe(row.adminName, 40) : t.people.admin, kindText(row, t), state);
  });
  const text = [t.people.threadTitle(name, formatCount(page.total, t)), "", ...(lines.length ? lines : [t.people.threadEmpty])].join("\n");
  const keyboard = new InlineKeyboard();
  const first = page.rows[0]?.id;
  const last = page.rows.at(-1)?.id;
  if (page.hasNewer && first !== undefined) keyboard.text(t.list.newer, packThread({ userId: student.id, anchor: { dir: "newer", id: first } }));
  if (page.hasOlder && last !== undefined) keyboard.text(t.list.older, packThread({ userId: student.id, anchor: { dir: "older", id: last } }));
  keyboard.row().text(t.people.write, packMessages({ op: "write", userId: student.id })).text(t.people.toBookings, packMessages({ op: "open", userId: student.id }));
  // Ten lines of at most ~350 characters each: far under 4,096.
  return { text, keyboard };
}
