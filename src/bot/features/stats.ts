import { Composer } from "grammy";
import { loadStats } from "../../db/queries/stats";
import type { BotContext, Deps, Feature } from "../context";
import { formatStats } from "../format/stats";

/** `/stats` — bookings per status, course and stream, new ones, conversion, delivery success. */
export function statsFeature(deps: Deps): Feature {
  const feature = new Composer<BotContext>();
  feature.command("stats", async (ctx) => {
    const stats = await loadStats(deps.db, { timeZone: deps.config.timeZone, now: deps.clock() });
    await ctx.reply(formatStats(stats, ctx.t), { parse_mode: "HTML" });
  });
  return { composer: feature };
}
