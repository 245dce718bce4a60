import { Composer, GrammyError } from "grammy";
import { listProofs } from "../../../db/queries/payment-proofs";
import { parseProof } from "../../callback-data";
import type { BotContext, Deps } from "../../context";
import { formatDateTime } from "../../format/values";

/** Proofs sent again per press of "📎": the newest ones (a student may send an album). */
const SHOWN = 10;

/** The card's "📎" button: the booking's payment proofs, sent again by file id. */
export function proofButtons(deps: Deps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.callbackQuery(/^p:/, async (ctx) => {
    const t = ctx.t;
    const data = parseProof(ctx.callbackQuery.data);
    if (!data) return ctx.answerCallbackQuery({ text: t.staleButton });
    const proofs = (await listProofs(deps.db, data.bookingId, SHOWN)).reverse();
    if (proofs.length === 0) return ctx.answerCallbackQuery({ text: t.proof.none(data.bookingId), show_alert: true });
    await ctx.answerCallbackQuery();
    for (const [i, proof] of proofs.entries()) {
      const caption = t.proof.shown(data.bookingId, i + 1, proofs.length, formatDateTime(proof.createdAt, deps.config.timeZone));
      try {
        await (proof.kind === "photo" ? ctx.replyWithPhoto(proof.fileId, { caption }) : ctx.replyWithDocument(proof.fileId, { caption }));
      } catch (error) {
        // A file id Telegram no longer serves (or one another bot's token received): say so, go on.
        if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
        ctx.log.warn({ proof_id: proof.id, description: error.description }, "payment proof could not be sent again");
        await ctx.reply(t.proof.unavailable(data.bookingId));
      }
    }
  });
  return feature;
}
