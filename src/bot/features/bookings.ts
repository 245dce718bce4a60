import { Composer } from "grammy";
import type { BotContext } from "../context";
import { firstPageOf } from "../list-state";
import type { ListMenu } from "../menus/list-menu";
import { parseFilterArg } from "../parse-args";

/** `/bookings [new|pending|confirmed|cancelled]` — the newest bookings, with filters and paging. */
export function bookingsFeature(list: ListMenu) {
  const feature = new Composer<BotContext>();
  feature.command("bookings", async (ctx) => {
    const filter = parseFilterArg(ctx.match);
    if (filter === undefined) return ctx.reply(ctx.t.list.badFilter);
    await list.show(ctx, firstPageOf(filter), "reply");
  });
  return feature;
}
