import { InlineKeyboard } from "grammy";
import type { BookingRow } from "../../db/queries/bookings";
import type { Texts } from "../i18n";
import { courseTitle, displayName, displayUsername, safe, streamName } from "./values";

/** Short enough that a digest of 40 bookings stays far under 4,096 characters. */
const NAME = 24;
const STREAM = 24;
const LIMIT = 4000;
const PER_ROW = 5;

/** A deep link that opens the bot's private chat with `/start <payload>` (the card, the queue). */
export const deepLink = (botUsername: string, payload: string) => `https://t.me/${botUsername}?start=${payload}`;

/**
 * Many new bookings as one message (the admin group takes 20 a minute): a line each, and a
 * button per booking that opens its card in the admin's private chat.
 */
export function formatBookingDigest(rows: readonly BookingRow[], t: Texts, botUsername: string): { text: string; keyboard: InlineKeyboard } {
  const lines = [t.notice.digest(rows.length)];
  let shown = 0;
  for (const row of rows) {
    const name = displayName(t, row.firstName ? row.firstName.slice(0, NAME) : row.firstName);
    const where = row.courseStream || row.streamTitle ? safe(streamName(row.courseStream, row.streamTitle, t), STREAM) : courseTitle(row.courseId, row.courseName, t);
    const line = `#${row.id} · ${name} ${displayUsername(t, row.username)} · ${where}`;
    if (lines.join("\n").length + line.length + 1 > LIMIT - 100) break;
    lines.push(line);
    shown++;
  }
  if (shown < rows.length) lines.push(t.notice.digestMore(rows.length - shown));
  const keyboard = new InlineKeyboard();
  rows.slice(0, shown).forEach((row, i) => {
    if (i > 0 && i % PER_ROW === 0) keyboard.row();
    keyboard.url(`#${row.id}`, deepLink(botUsername, `b${row.id}`));
  });
  return { text: lines.join("\n"), keyboard };
}
