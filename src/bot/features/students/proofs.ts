import { Composer } from "grammy";
import type { Message } from "grammy/types";
import { recordPaymentProof, type ProofFile } from "../../../bookings/payment-proof";
import { findAwaitingPayment } from "../../../db/queries/payment-proofs";
import type { BotContext, Deps } from "../../context";
import { courseTitle, streamTitle } from "../../format/values";

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
 * (status 0 → 1) and joins the admins' review queue (/queue); a photo or file with nothing to pay
 * for goes on, a message for the admins like any other. Installed only when students book here.
 */
export function studentPaymentProofs(deps: Deps): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.on(["message:photo", "message:document"], async (ctx, next) => {
    const t = ctx.t;
    const file = proofFileOf(ctx.message);
    if (!file) {
      // A zip or a text file from a student who owes a payment is a receipt in the wrong form; from anyone else, a message.
      return (await findAwaitingPayment(deps.db, ctx.from.id)) ? ctx.reply(t.students.proofWrongFile) : next();
    }
    const result = await recordPaymentProof(deps.db, { student: { id: ctx.from.id, firstName: ctx.from.first_name }, file });
    ctx.log.info(
      { outcome: result.kind, kind: file.kind, ...(result.kind === "no-booking" ? {} : { booking_id: result.booking.id, proof_id: result.proof.id }) },
      "payment proof received",
    );
    // Nothing to pay for: a photo like any other message, for the admins to see.
    if (result.kind === "no-booking") return next();
    const row = result.booking;
    if (result.kind === "added") return ctx.reply(t.students.proofAgain(row.id));
    return ctx.reply(t.students.proofReceived(row.id, courseTitle(row.courseId, row.courseName, t), streamTitle(row.courseStream, row.streamTitle, t)), {
      parse_mode: "HTML",
    });
  });
  return feature;
}
