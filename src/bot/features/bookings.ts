import { Composer } from "grammy";
import { parseList } from "../callback-data";
import type { BotContext, Deps, Feature } from "../context";
import { firstPageOf } from "../list-state";
import { loadList, sendList } from "../list-screen";
import { parseFilterArg } from "../parse-args";

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
  feature.callbackQuery(/^l:/, async (ctx) => {
    const press = parseList(ctx.callbackQuery.data);
    if (!press) return ctx.answerCallbackQuery({ text: ctx.t.staleButton });
    if ("edge" in press) {
      return ctx.answerCallbackQuery({ text: press.edge === "newest" ? ctx.t.list.newestReached : ctx.t.list.oldestReached });
    }
    await sendList(ctx, await loadList(deps, press, ctx.t), "edit");
    await ctx.answerCallbackQuery();
  });
  return { composer: feature };
}
