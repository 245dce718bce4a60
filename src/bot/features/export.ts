import { Composer, InputFile } from "grammy";
import { countBookingsByStatus, iterateBookings } from "../../db/queries/bookings";
import type { BotContext, Deps, Feature } from "../context";
import { CSV_BOM, CSV_HEADER, bookingCsvLine, csvLine } from "../format/csv";
import { countOf, filterName } from "../format/list";
import { formatCount } from "../format/values";
import { firstPageOf, scopeOf, type Filter } from "../list-state";
import type { Texts } from "../i18n";
import { parseFilterArg } from "../parse-args";

const encoder = new TextEncoder();

/** The CSV as a stream of chunks, one keyset batch at a time: a million rows never sit in memory. */
async function* csvChunks(deps: Deps, filter: Filter, t: Texts): AsyncGenerator<Uint8Array> {
  yield encoder.encode(CSV_BOM + csvLine(CSV_HEADER));
  for await (const batch of iterateBookings(deps.db, scopeOf(firstPageOf(filter)))) {
    yield encoder.encode(batch.map((row) => bookingCsvLine(row, deps.config.timeZone, t)).join(""));
  }
}

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
    const file = new InputFile(() => csvChunks(deps, filter, ctx.t), `bookings-${FILE_SUFFIX[String(filter)]}-${day}.csv`);
    await ctx.replyWithDocument(file, { caption: ctx.t.export.caption(filterName(filter, ctx.t), formatCount(total, ctx.t)) });
    ctx.log.info({ filter: String(filter), rows: total }, "bookings exported");
  });
  return { composer: feature };
}
