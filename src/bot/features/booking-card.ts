import { Composer } from "grammy";
import { getBooking } from "../../db/queries/bookings";
import { findStudent } from "../../db/queries/students";
import type { BotContext, Deps } from "../context";
import { formatBookingCard } from "../format/booking";
import { parseBookingId } from "../parse-args";
import { bookingNotFound, texts } from "../texts";

/** `/booking 123` and the `/b123` links of the lists — one booking's full card. */
export function bookingCardFeature(deps: Deps) {
  const feature = new Composer<BotContext>();

  async function showCard(ctx: BotContext, arg: string) {
    const id = parseBookingId(arg);
    if (id === undefined) return ctx.reply(texts.bookingUsage);
    const row = await getBooking(deps.db, id);
    if (!row) return ctx.reply(bookingNotFound(id));
    const student = await findStudent(deps.db, { userId: row.userId });
    await ctx.reply(formatBookingCard(row, student, deps.config.timeZone), { parse_mode: "HTML" });
  }

  feature.command("booking", (ctx) => showCard(ctx, ctx.match));
  feature.hears(/^\/b(\d{1,10})(?:@\w+)?$/, (ctx) => showCard(ctx, ctx.match[1]!));
  return feature;
}
