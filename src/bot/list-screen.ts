import type { InlineKeyboard } from "grammy";
import { countBookingsByStatus, listBookingsPage } from "../db/queries/bookings";
import { countStudentMessages } from "../db/queries/student-messages";
import { findStudent } from "../db/queries/students";
import type { Deps, InnerContext } from "./context";
import { editInPlace } from "./edit";
import { formatListKeyboard, formatListMessage } from "./format/list";
import type { Texts } from "./i18n";
import { firstPageOf, scopeOf, type ListState } from "./list-state";

/**
 * The list screen of bookings, everyone's (/bookings) or one student's (/user): a page with its
 * filter buttons, counts and paging, loaded and sent the same way for both.
 */

/** A list message as plain data, so a conversation can keep it between replays. */
export type ListScreen = { text: string; keyboard?: InlineKeyboard };

/** A page of bookings (everyone's or one student's) with its buttons. */
export async function loadList(deps: Deps, requested: ListState, t: Texts): Promise<ListScreen> {
  const { db, config } = deps;
  const userId = requested.userId;
  const [student, counts, page, messages] = await Promise.all([
    userId === undefined ? undefined : findStudent(db, { userId }),
    countBookingsByStatus(db, { userId }),
    listBookingsPage(db, scopeOf(requested), requested.anchor, config.pageSize),
    userId === undefined ? undefined : countStudentMessages(db, userId),
  ]);
  if (userId !== undefined && !student) return { text: t.student.noBookingsFor(`id ${userId}`) };
  // An anchor that no longer leads anywhere lands on the first page: its buttons say so.
  const state = page.isFirst ? firstPageOf(requested.filter, userId) : requested;
  const { text, shown } = formatListMessage({ state, rows: page.rows, counts, student, timeZone: config.timeZone }, t);
  const keyboard = formatListKeyboard(
    {
      state,
      counts,
      shown: page.rows.slice(0, shown),
      hasNewer: page.hasNewer,
      hasOlder: page.hasOlder || shown < page.rows.length,
      pageSize: config.pageSize,
      ...(messages === undefined ? {} : { messages }),
    },
    t,
  );
  return { text, keyboard };
}

/** Sends a list as a new message, or puts it in place of the pressed one. */
export async function sendList(ctx: InnerContext, screen: ListScreen, mode: "reply" | "edit"): Promise<void> {
  if (!screen.keyboard) {
    await (mode === "reply" ? ctx.reply(screen.text) : ctx.editMessageText(screen.text));
    return;
  }
  const other = { parse_mode: "HTML" as const, reply_markup: screen.keyboard, link_preview_options: { is_disabled: true } };
  await (mode === "reply" ? ctx.reply(screen.text, other) : editInPlace(ctx, screen.text, other));
}
