import { Composer, GrammyError, InlineKeyboard } from "grammy";
import type { InputMediaDocument, InputMediaPhoto } from "grammy/types";
import { changeBookingStatus } from "../../bookings/change-status";
import { priceOf } from "../../bookings/payment-instructions";
import { getBooking } from "../../db/queries/bookings";
import { coursePriceCents, listProofs } from "../../db/queries/payment-proofs";
import { claimNextProof, countWaitingProofs, skipProof } from "../../db/queries/proof-queue";
import { packQueue, parseQueue } from "../callback-data";
import type { BotContext, Deps, Feature } from "../context";
import { formatQueueCaption } from "../format/proof";
import { statusText } from "../format/values";
import type { Texts } from "../i18n";

/** How long an admin holds the receipt in front of them before another admin may get it. */
const CLAIM_MS = 10 * 60_000;

type Shown = { caption: string; keyboard: InlineKeyboard; media: { kind: "photo" | "document"; fileId: string } };

const receiptButtons = (id: number, t: Texts) =>
  new InlineKeyboard().text(t.queue.confirm(id), packQueue({ op: "confirm", id })).text(t.queue.skip, packQueue({ op: "skip", id: id }));
const againButton = (t: Texts) => new InlineKeyboard().text(t.queue.again, packQueue({ op: "next" }));

/**
 * `/queue` (and the group board's "📥 Open the queue", a `/start queue` link): the receipts
 * waiting for review, one at a time, in the admin's private chat. Each shows the receipt (by
 * file id) with what it is for; "🟢 Confirm" confirms the booking (the student is told through
 * the outbox) and "⏭ Skip" puts it at the end of this admin's queue, and either way the next
 * receipt takes the place of this one in the same message — one edit per receipt, no new
 * message. A receipt is claimed by the admin it is shown to, so two admins walking the queue
 * never get the same one; a booking changed meanwhile (another admin, the real bot) is said in
 * the press's answer and skipped.
 */
export function queueFeature(deps: Deps): Feature {
  const feature = new Composer<BotContext>();

  /** The admin's next receipt, claimed; undefined when none waits. */
  async function next(adminId: number, t: Texts): Promise<Shown | undefined> {
    // A booking deleted between the claim and the read is passed over.
    for (let tries = 0; tries < 3; tries++) {
      const bookingId = await claimNextProof(deps.db, adminId, CLAIM_MS);
      if (bookingId === undefined) return undefined;
      const [booking, [proof], waiting] = await Promise.all([getBooking(deps.db, bookingId), listProofs(deps.db, bookingId, 1), countWaitingProofs(deps.db)]);
      if (!booking || !proof) {
        await skipProof(deps.db, adminId, bookingId);
        continue;
      }
      const price = priceOf(await coursePriceCents(deps.db, booking.courseId), booking.discountPercent);
      return {
        caption: formatQueueCaption({ booking, price, sentAt: proof.createdAt, waiting }, deps.config.timeZone, t),
        keyboard: receiptButtons(booking.id, t),
        media: { kind: proof.kind, fileId: proof.fileId },
      };
    }
    return undefined;
  }

  /** A new message with the next receipt (or "none waiting"). */
  async function open(ctx: BotContext): Promise<void> {
    const t = ctx.t;
    const shown = await next(ctx.from!.id, t);
    if (!shown) {
      await ctx.reply(t.queue.empty, { reply_markup: againButton(t) });
      return;
    }
    const options = { caption: shown.caption, parse_mode: "HTML" as const, reply_markup: shown.keyboard };
    await (shown.media.kind === "photo" ? ctx.replyWithPhoto(shown.media.fileId, options) : ctx.replyWithDocument(shown.media.fileId, options));
  }

  /** The pressed receipt message becomes the next receipt; `done` says what became of the last. */
  async function advance(ctx: BotContext, done?: string): Promise<void> {
    const t = ctx.t;
    const pressed = ctx.callbackQuery?.message;
    if (!pressed || (pressed.photo === undefined && pressed.document === undefined)) {
      // "Check again" under a text ("none waiting", the board): the receipt comes as a new message.
      await ctx.answerCallbackQuery(done ? { text: done } : undefined);
      return open(ctx);
    }
    const shown = await next(ctx.from!.id, t);
    try {
      if (shown) {
        const media: InputMediaPhoto | InputMediaDocument = { type: shown.media.kind, media: shown.media.fileId, caption: shown.caption, parse_mode: "HTML" };
        await ctx.editMessageMedia(media, { reply_markup: shown.keyboard });
      } else {
        await ctx.editMessageCaption({ caption: [done, t.queue.empty].filter(Boolean).join("\n"), reply_markup: againButton(t) });
      }
    } catch (error) {
      // The same receipt again (nothing else waits) or a message gone: nothing to change.
      if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
      ctx.log.debug({ description: error.description }, "queue message left as it was");
    }
    await ctx.answerCallbackQuery(done ? { text: done } : undefined);
  }

  feature.command("queue", (ctx) => open(ctx));
  feature.command("start", (ctx, nextHandler) => (ctx.match.trim() === "queue" ? open(ctx) : nextHandler()));

  feature.callbackQuery(/^q:/, async (ctx) => {
    const t = ctx.t;
    const data = parseQueue(ctx.callbackQuery.data);
    if (!data) return ctx.answerCallbackQuery({ text: t.staleButton });
    if (data.op === "next") return advance(ctx);
    if (data.op === "skip") {
      await skipProof(deps.db, ctx.from.id, data.id);
      return advance(ctx, t.queue.skipped(data.id));
    }
    const result = await changeBookingStatus(deps.db, {
      bookingId: data.id,
      action: "confirm",
      seen: 1,
      actor: { id: ctx.from.id, name: ctx.from.first_name, role: "admin" },
      timeZone: deps.config.timeZone,
    });
    ctx.log.info({ booking_id: data.id, action: "confirm", outcome: result.kind, admin_id: ctx.from.id, from: 1 }, "status change requested");
    const done =
      result.kind === "changed" ? t.queue.confirmed(data.id) : result.kind === "not-found" ? t.queue.gone(data.id) : t.queue.changed(data.id, statusText(result.booking.confirmed, t));
    return advance(ctx, done);
  });
  return { composer: feature };
}
