import { Composer, type InlineKeyboard } from "grammy";
import { countBookingsByStatus, listBookingsPage } from "../../db/queries/bookings";
import { findStudent } from "../../db/queries/students";
import { parseList } from "../callback-data";
import type { BotContext, Deps, Feature, InnerContext } from "../context";
import { editInPlace } from "../edit";
import { formatListKeyboard, formatListMessage } from "../format/list";
import type { Texts } from "../i18n";
import { firstPageOf, scopeOf, type ListState } from "../list-state";
import { parseFilterArg } from "../parse-args";

/** A list message as plain data, so a conversation can keep it between replays. */
export type ListScreen = { text: string; keyboard?: InlineKeyboard };

/** A page of bookings (everyone's or one student's) with its buttons. */
export async function loadList(deps: Deps, requested: ListState, t: Texts): Promise<ListScreen> {
  const { db, config } = deps;
  const userId = requested.userId;
  const [student, counts, page] = await Promise.all([
    userId === undefined ? undefined : findStudent(db, { userId }),
    countBookingsByStatus(db, { userId }),
    listBookingsPage(db, scopeOf(requested), requested.anchor, config.pageSize),
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

/**
 * `/bookings [new|pending|confirmed|cancelled]` — the newest bookings, with filters and paging;
 * and the buttons of every list, `/user`'s included.
 */
export function bookingsFeature(deps: Deps): Feature {
  const feature = new Composer<BotContext>();
  feature.command("bookings", async (ctx) => {
    const filter = parseFilterArg(ctx.match);
    if (filter === undefined) return ctx.reply(ctx.t.list.badFilter);
    await sendList(ctx, await loadList(deps, firstPageOf(filter), ctx.t), "reply");
  });
  // Data that is not a list button goes on: the last feature calls it a stale button.
  feature.on("callback_query:data", async (ctx, next) => {
    const press = parseList(ctx.callbackQuery.data);
    if (!press) return next();
    if ("edge" in press) {
      return ctx.answerCallbackQuery({ text: press.edge === "newest" ? ctx.t.list.newestReached : ctx.t.list.oldestReached });
    }
    await sendList(ctx, await loadList(deps, press, ctx.t), "edit");
    await ctx.answerCallbackQuery();
  });
  return { composer: feature };
}
