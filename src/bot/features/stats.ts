import { Composer, InputFile } from "grammy";
import { loadDailyBookings, loadStats } from "../../db/queries/stats";
import type { BotContext, Deps, Feature } from "../context";
import { renderDailyChartPng } from "../format/chart";
import { formatStatsByStream, formatStatsSummary } from "../format/stats";

const CHART_DAYS = 30;

/**
 * `/stats` — a chart of new bookings per day over 30 days, stacked by status, with the summary
 * (statuses, new ones, conversion, delivery) as its caption; then bookings per course and stream.
 */
export function statsFeature(deps: Deps): Feature {
  const feature = new Composer<BotContext>();
  feature.command("stats", async (ctx) => {
    const when = { timeZone: deps.config.timeZone, now: deps.clock() };
    const [stats, days] = await Promise.all([loadStats(deps.db, when), loadDailyBookings(deps.db, { ...when, days: CHART_DAYS })]);
    await ctx.replyWithPhoto(new InputFile(renderDailyChartPng(days), "bookings-per-day.png"), {
      caption: formatStatsSummary(stats, ctx.t),
      parse_mode: "HTML",
    });
    const byStream = formatStatsByStream(stats, ctx.t);
    if (byStream) await ctx.reply(byStream, { parse_mode: "HTML" });
  });
  return { composer: feature };
}
