import { Composer } from "grammy";
import { Menu } from "@grammyjs/menu";
import type { StatusCounts } from "../../db/queries/bookings";
import { countBookingsByStatus, listBookingsPage } from "../../db/queries/bookings";
import { findStudent } from "../../db/queries/students";
import { packEdge, packListState, parseListPayload } from "../callback-data";
import type { Deps, InnerContext } from "../context";
import { editInPlace } from "../edit";
import { countOf, filterName, formatListMessage } from "../format/list";
import { STATUS_BADGE, formatCount } from "../format/values";
import { FILTERS, firstPageOf, scopeOf, type Filter, type ListState } from "../list-state";
import type { Texts } from "../i18n";

/** A list message ready to send: its text and what its buttons need. */
export type ListView = {
  state: ListState;
  counts: StatusCounts;
  text: string;
  shown: number;
  firstId?: number;
  lastId?: number;
  hasNewer: boolean;
  hasOlder: boolean;
};

/**
 * `render` is protected in @grammyjs/menu; rendering explicitly lets a list be sent from any
 * context, including a conversation's, which never passes through the menu's own middleware.
 */
class RenderableMenu extends Menu<InnerContext> {
  keyboard(ctx: InnerContext) {
    return this.render(ctx);
  }
}

/** Bump when the button layout changes: buttons of older messages then answer "outdated". */
const LAYOUT = "list-v1";

export async function loadListView(deps: Deps, requested: ListState, t: Texts): Promise<ListView | { noStudent: number }> {
  const { db, config } = deps;
  const userId = requested.userId;
  const [student, counts, page] = await Promise.all([
    userId === undefined ? undefined : findStudent(db, { userId }),
    countBookingsByStatus(db, { userId }),
    listBookingsPage(db, scopeOf(requested), requested.anchor, config.pageSize),
  ]);
  if (userId !== undefined && !student) return { noStudent: userId };
  const state = page.isFirst ? { ...requested, anchor: { dir: "first" as const }, offset: 0 } : requested;
  const { text, shown } = formatListMessage({ state, rows: page.rows, counts, student, timeZone: config.timeZone, t });
  return {
    state,
    counts,
    text,
    shown,
    firstId: page.rows[0]?.id,
    lastId: page.rows[shown - 1]?.id,
    hasNewer: page.hasNewer,
    hasOlder: page.hasOlder || shown < page.rows.length,
  };
}

function filterButton(filter: Filter) {
  const text = (ctx: InnerContext) => {
    const view = ctx.listView;
    const name = filter === "all" ? filterName("all", ctx.t) : `${STATUS_BADGE[filter]} ${filterName(filter, ctx.t)}`;
    if (!view) return name;
    const mark = view.state.filter === filter ? "✓ " : "";
    return `${mark}${name} ${formatCount(countOf(view.counts, filter), ctx.t)}`;
  };
  const payload = (ctx: InnerContext) => packListState(firstPageOf(filter, ctx.listView?.state.userId));
  return { text, payload };
}

const newerButton = (pageSize: number) => ({
  text: (ctx: InnerContext) => (ctx.listView?.hasNewer ? ctx.t.list.newer : "·"),
  payload: (ctx: InnerContext) => {
    const view = ctx.listView;
    if (!view?.hasNewer || view.firstId === undefined) return packEdge("newest");
    const offset = Math.max(0, view.state.offset - pageSize);
    return packListState({ ...view.state, anchor: { dir: "newer", id: view.firstId }, offset });
  },
});

const refreshButton = {
  text: (ctx: InnerContext) => ctx.t.list.refresh,
  payload: (ctx: InnerContext) => (ctx.listView ? packListState(ctx.listView.state) : ""),
};

const olderButton = {
  text: (ctx: InnerContext) => (ctx.listView?.hasOlder ? ctx.t.list.older : "·"),
  payload: (ctx: InnerContext) => {
    const view = ctx.listView;
    if (!view?.hasOlder || view.lastId === undefined) return packEdge("oldest");
    return packListState({ ...view.state, anchor: { dir: "older", id: view.lastId }, offset: view.state.offset + view.shown });
  },
};

/**
 * The list of bookings (everyone's or one student's) as one message with filter and paging
 * buttons. The whole state rides in each button's payload, so any list message keeps working
 * after a restart, and the layout is fixed, so a press never lands on a different button.
 */
export function createListMenu(deps: Deps) {
  const menu = new RenderableMenu("bk", {
    autoAnswer: false,
    // Labels carry live counts; comparing them would call every press "outdated".
    fingerprint: (ctx) => (ctx.listView || parseListPayload(ctx.match) ? LAYOUT : "invalid"),
    onMenuOutdated: (ctx) => ctx.answerCallbackQuery({ text: ctx.t.staleButton }),
  });
  for (const filter of FILTERS.slice(0, 3)) menu.text(filterButton(filter), onPress);
  menu.row();
  for (const filter of FILTERS.slice(3)) menu.text(filterButton(filter), onPress);
  menu.row().text(newerButton(deps.config.pageSize), onPress).text(refreshButton, onPress).text(olderButton, onPress);
  const rowLengths = [3, 2, 3];

  // With a fingerprint the menu plugin trusts the row/column in the data and would crash on
  // a forged position; such presses are stale buttons as far as the admin is concerned.
  const middleware = new Composer<InnerContext>();
  middleware
    .on("callback_query:data")
    .filter((ctx) => {
      const data = ctx.callbackQuery.data;
      if (!data.startsWith("bk/")) return false;
      const at = /^bk\/([0-9a-f])\/([0-9a-f])\//.exec(data);
      return !at || !(parseInt(at[2]!, 16) < (rowLengths[parseInt(at[1]!, 16)] ?? 0));
    }, (ctx) => ctx.answerCallbackQuery({ text: ctx.t.staleButton }));
  middleware.use(menu);

  /** Loads a list; plain data, so a conversation can keep it between replays. */
  const load = (state: ListState, t: Texts) => loadListView(deps, state, t);

  /** Sends a loaded list as a new message, or puts it in place of the pressed one. */
  async function send(ctx: InnerContext, view: ListView | { noStudent: number }, mode: "reply" | "edit"): Promise<void> {
    if ("noStudent" in view) {
      const notice = ctx.t.student.noBookingsFor(`id ${view.noStudent}`);
      await (mode === "reply" ? ctx.reply(notice) : ctx.editMessageText(notice));
      return;
    }
    ctx.listView = view;
    const other = {
      parse_mode: "HTML" as const,
      reply_markup: { inline_keyboard: await menu.keyboard(ctx) },
      link_preview_options: { is_disabled: true },
    };
    if (mode === "reply") {
      await ctx.reply(view.text, other);
      return;
    }
    await editInPlace(ctx, view.text, other);
  }

  const show = async (ctx: InnerContext, state: ListState, mode: "reply" | "edit") => send(ctx, await load(state, ctx.t), mode);

  async function onPress(ctx: InnerContext): Promise<void> {
    const parsed = parseListPayload(ctx.match);
    if (!parsed) {
      await ctx.answerCallbackQuery({ text: ctx.t.staleButton });
      return;
    }
    if ("edge" in parsed) {
      await ctx.answerCallbackQuery({ text: parsed.edge === "newest" ? ctx.t.list.newestReached : ctx.t.list.oldestReached });
      return;
    }
    await show(ctx, parsed, "edit");
    await ctx.answerCallbackQuery();
  }

  return { middleware, load, send, show };
}

export type ListMenu = ReturnType<typeof createListMenu>;
