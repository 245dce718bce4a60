import { Composer, InputFile } from "grammy";
import { countBookingsByStatus, iterateBookings } from "../../db/queries/bookings";
import type { BotContext, Deps, Feature } from "../context";
import { CSV_HEADER, bookingCsvLine, csvChunks } from "../format/csv";
import { countOf, filterName } from "../format/list";
import { formatCount } from "../format/values";
import { firstPageOf, scopeOf, type Filter } from "../list-state";
import type { Texts } from "../i18n";
import { parseFilterArg } from "../parse-args";

/** The CSV streamed in keyset batches. */
const bookingsCsv = (deps: Deps, filter: Filter, t: Texts) =>
  csvChunks(CSV_HEADER, iterateBookings(deps.db, scopeOf(firstPageOf(filter))), (row) => bookingCsvLine(row, deps.config.timeZone, t));

const FILE_SUFFIX: Record<string, string> = { all: "all", 0: "new", 1: "pending", 2: "confirmed", [-1]: "cancelled" };

/** `/export [new|pending|confirmed|cancelled]` — the bookings as a CSV document. */
export function exportFeature(deps: Deps): Feature {
  const feature = new Composer<BotContext>();
  feature.command("export", async (ctx) => {
    const filter = parseFilterArg(ctx.match);
    if (filter === undefined) return ctx.reply(ctx.t.export.badFilter);
    const total = countOf(await countBookingsByStatus(deps.db, {}), filter);
    await ctx.replyWithChatAction("upload_document");
    const day = deps.clock().toISOString().slice(0, 10);
    const file = new InputFile(() => bookingsCsv(deps, filter, ctx.t), `bookings-${FILE_SUFFIX[String(filter)]}-${day}.csv`);
    await ctx.replyWithDocument(file, { caption: ctx.t.export.caption(filterName(filter, ctx.t), formatCount(total, ctx.t)) });
    ctx.log.info({ filter: String(filter), rows: total }, "bookings exported");
  });
  return { composer: feature };
}
