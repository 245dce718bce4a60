import { InlineKeyboard } from "grammy";
import type { BroadcastProgress } from "../../db/queries/broadcasts";
import type { BroadcastRow } from "../../db/schema";
import { packRecall, packScheduled } from "../callback-data";
import type { Texts } from "../i18n";
import { MAX_TITLE, formatCount, formatDateTime, safe } from "./values";

/** The one message that follows a broadcast, edited as it goes; plain text. */
export function formatBroadcastProgress(p: BroadcastProgress, t: Texts): string {
  if (p.finished) return formatBroadcastReport(p, t);
  const n = (value: number) => formatCount(value, t);
  return t.broadcast.progress(p.id, n(p.sent), n(p.total), n(p.failed), n(p.pending));
}

/** The result, sent to the admin when the last recipient is done; plain text. */
export function formatBroadcastReport(p: BroadcastProgress, t: Texts): string {
  const n = (value: number) => formatCount(value, t);
  return t.broadcast.report(p.id, n(p.sent), n(p.total), n(p.failed), p.blocked > 0 ? n(p.blocked) : undefined);
}

/** The report's one button: "🗑 Delete from chats", while there is something delivered to delete. */
export function reportKeyboard(p: BroadcastProgress, t: Texts): InlineKeyboard | undefined {
  return p.sent > 0 ? new InlineKeyboard().text(t.broadcast.recall, packRecall({ op: "ask", messageId: p.id })) : undefined;
}

/** A recall's end: of the delivered copies, how many are gone. Plain text. */
export function formatRecallReport(messageId: number, counts: { delivered: number; deleted: number }, t: Texts): string {
  return t.broadcast.recallReport(messageId, counts.deleted, counts.delivered, counts.delivered - counts.deleted);
}

const MAX_SUMMARY = 120;

/** `/broadcast`'s list of what waits for its time, soonest first, with "send now" and "cancel" each. HTML. */
export function formatScheduled(rows: readonly BroadcastRow[], timeZone: string, t: Texts): { text: string; keyboard?: InlineKeyboard } {
  if (rows.length === 0) return { text: t.broadcast.scheduledNone };
  const keyboard = new InlineKeyboard();
  const lines = rows.map((row, i) => {
    // A row break only between lines: a trailing empty row is a markup Telegram refuses.
    if (i > 0) keyboard.row();
    keyboard.text(t.broadcast.sendNow(i + 1), packScheduled({ op: "now", id: row.id })).text(t.broadcast.cancelOne(i + 1), packScheduled({ op: "cancel", id: row.id }));
    const when = row.sendAt ? formatDateTime(new Date(row.sendAt), timeZone) : "—";
    return t.broadcast.scheduledLine(i + 1, when, safe(row.audienceLabel, MAX_TITLE), safe(row.summary.replace(/\s+/g, " "), MAX_SUMMARY));
  });
  return { text: [t.broadcast.scheduledTitle, ...lines].join("\n\n"), keyboard };
}
