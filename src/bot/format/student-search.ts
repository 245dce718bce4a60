import { InlineKeyboard } from "grammy";
import type { StudentMatch, StudentSearch } from "../../db/queries/student-search";
import { packStudentPick } from "../callback-data";
import type { Texts } from "../i18n";
import { MESSAGE_LIMIT, escapeHtml, truncate } from "./html";
import { studentLine, studentTotals } from "./list";
import { MAX_NAME, MAX_USERNAME, formatCount } from "./values";

function entry(match: StudentMatch, i: number, t: Texts): string {
  return `${i}. ${studentLine(match, t)}\n${match.counts.all === 0 ? t.student.noBookings : studentTotals(match.counts, t)}`;
}

/** A button's label is plain text: the name and username as they are, cut, not escaped. */
function label(match: StudentMatch, i: number, t: Texts): string {
  const name = [match.firstName, match.lastName].filter((s) => s?.trim()).join(" ") || t.noName;
  const username = match.username?.trim() ? ` · @${truncate(match.username.trim(), MAX_USERNAME)}` : "";
  return `${i}. ${truncate(name, MAX_NAME)}${username}`;
}

/**
 * The students a name search found, best first, numbered, each with a button that opens them.
 * Entries that would push the message past Telegram's 4096 characters (long names full of
 * characters HTML escapes) join the "more" line instead.
 */
export function formatStudentSearch(query: string, search: StudentSearch, t: Texts): { text: string; keyboard: InlineKeyboard } {
  const n = (value: number) => formatCount(value, t);
  const head = t.student.found(escapeHtml(query), search.total, n(search.total));
  // The widest "more" line there could be, reserved up front.
  let length = head.length + t.student.more(search.total, n(search.total)).length + 2;
  const entries: string[] = [];
  const keyboard = new InlineKeyboard();
  for (const [k, match] of search.matches.entries()) {
    const text = entry(match, k + 1, t);
    if (length + text.length + 2 > MESSAGE_LIMIT) break;
    length += text.length + 2;
    entries.push(text);
    if (k > 0) keyboard.row();
    keyboard.text(label(match, k + 1, t), packStudentPick(match.userId));
  }
  const rest = search.total - entries.length;
  const text = [head, ...entries, ...(rest > 0 ? [t.student.more(rest, n(rest))] : [])].join("\n\n");
  return { text, keyboard };
}
