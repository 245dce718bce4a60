import { Composer, GrammyError } from "grammy";
import type { Message } from "grammy/types";
import { recordPaymentProof, type ProofFile } from "../../bookings/payment-proof";
import { isDatabaseUnavailable } from "../../db/errors";
import { findAwaitingPayment, listProofs } from "../../db/queries/payment-proofs";
import { parseProof } from "../callback-data";
import type { BotContext, Deps, Feature } from "../context";
import { courseTitle, formatDateTime, streamTitle } from "../format/values";

/** Proofs sent again per press of "📎": the newest ones (a student may send an album). */
const SHOWN = 10;

/** A photo (its largest size), or a document that is a PDF or an image; anything else is no proof. */
export function proofFileOf(message: Pick<Message, "photo" | "document">): ProofFile | undefined {
  const photo = message.photo?.at(-1);
  if (photo) return { kind: "photo", fileId: photo.file_id, fileUniqueId: photo.file_unique_id };
  const doc = message.document;
  const type = doc?.mime_type?.toLowerCase() ?? "";
  if (doc && (type === "application/pdf" || type.startsWith("image/"))) return { kind: "document", fileId: doc.file_id, fileUniqueId: doc.file_unique_id };
  return undefined;
}

/**
 * The student's half of payment: a photo or PDF is stored with their booking waiting for payment
 * (status 0 → 1) and joins the admins' review queue (/queue); a student with such a booking who
 * writes text is reminded to send the receipt. Installed only when students book here.
 */
export function studentPaymentProofs(deps: Deps): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.on(["message:photo", "message:document"], async (ctx) => {
    const t = ctx.t;
    const file = proofFileOf(ctx.message);
    if (!file) return ctx.reply(t.students.proofWrongFile);
    const result = await recordPaymentProof(deps.db, { student: { id: ctx.from.id, firstName: ctx.from.first_name }, file });
    ctx.log.info(
      { outcome: result.kind, kind: file.kind, ...(result.kind === "no-booking" ? {} : { booking_id: result.booking.id, proof_id: result.proof.id }) },
      "payment proof received",
    );
    if (result.kind === "no-booking") return ctx.reply(t.students.proofNoBooking);
    const row = result.booking;
    if (result.kind === "added") return ctx.reply(t.students.proofAgain(row.id));
    return ctx.reply(t.students.proofReceived(row.id, courseTitle(row.courseId, row.courseName, t), streamTitle(row.courseStream, row.streamTitle, t)), {
      parse_mode: "HTML",
    });
  });

  feature.on("message:text", async (ctx, next) => {
    if (ctx.message.text.startsWith("/")) return next();
    let waiting: { id: number } | undefined;
    try {
      waiting = await findAwaitingPayment(deps.db, ctx.from.id);
    } catch (err) {
      // Only a hint: with the database down, the usual pointer to /start does as well.
      if (!isDatabaseUnavailable(err)) throw err;
      ctx.log.debug({ err }, "could not look up a booking waiting for payment");
    }
    return waiting ? ctx.reply(ctx.t.students.proofHint(waiting.id)) : next();
  });
  return feature;
}

/** The card's "📎" button: the booking's payment proofs, sent again by file id. */
export function paymentProofFeature(deps: Deps): Feature {
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
  return { composer: feature };
}
