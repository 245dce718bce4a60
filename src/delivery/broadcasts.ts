import type { Api } from "grammy";
import { GrammyError } from "grammy";
import { and, count, eq, gt, isNotNull, isNull, or, sql } from "drizzle-orm";
import { broadcastProgress } from "../bookings/broadcast";
import { formatBroadcastProgress, formatBroadcastReport } from "../bot/format/broadcast";
import { TEXTS } from "../bot/i18n";
import { adminLang, languageStore } from "../bot/language";
import type { Db } from "../db/client";
import { messageHistory, messageRecipients } from "../db/schema";
import type { Logger } from "../logger";
import { enqueue } from "./outbox";
import type { OnOutcome } from "./worker";

/**
 * The delivery worker's follow-up: when a broadcast's last recipient is done (the worker holds
 * the broadcast's row lock, so exactly one transaction sees "none left"), mark it finished and
 * queue the report to the admin who sent it.
 */
export const finishBroadcastOnLastRecipient: OnOutcome = async (tx, row) => {
  if (row.recipientId === null) return;
  const [recipient] = await tx
    .select({ messageId: messageRecipients.messageId })
    .from(messageRecipients)
    .where(eq(messageRecipients.id, row.recipientId));
  if (!recipient?.messageId) return;
  await finishIfDone(tx, recipient.messageId);
};

/** Marks a broadcast finished once no recipient is pending, and queues its report (once). */
export async function finishIfDone(tx: Db, messageId: number): Promise<boolean> {
  const [left] = await tx
    .select({ n: count() })
    .from(messageRecipients)
    .where(and(eq(messageRecipients.messageId, messageId), eq(messageRecipients.deliveryStatus, "pending")));
  if ((left?.n ?? 0) > 0) return false;
  const [done] = await tx
    .update(messageHistory)
    .set({ finishedAt: sql`now()` })
    .where(and(eq(messageHistory.id, messageId), isNull(messageHistory.finishedAt)))
    .returning({ createdBy: messageHistory.createdBy });
  if (!done) return false;
  const progress = await broadcastProgress(tx, messageId);
  if (done.createdBy !== null && progress) {
    const t = TEXTS[await adminLang(languageStore(tx), done.createdBy)];
    await enqueue(tx, [
      { dedupeKey: `broadcast:${messageId}:report`, kind: "broadcast_report", chatId: done.createdBy, text: formatBroadcastReport(progress, t) },
    ]);
  }
  return true;
}

/**
 * Keeps each running broadcast's progress message up to date by editing it every few seconds
 * (only when the figures changed), and once more when it finishes.
 */
export function startBroadcastProgress(deps: { db: Db; api: Pick<Api, "editMessageText">; logger: Logger; everyMs?: number }) {
  const shown = new Map<number, string>();
  const languages = languageStore(deps.db);
  const settled = new Set<number>();
  let running: Promise<void> = Promise.resolve();

  async function tick(): Promise<void> {
    const recent = await deps.db
      .select({ id: messageHistory.id })
      .from(messageHistory)
      .where(
        and(
          isNotNull(messageHistory.progressMessageId),
          isNotNull(messageHistory.createdBy),
          or(isNull(messageHistory.finishedAt), gt(messageHistory.finishedAt, sql`now() - interval '10 minutes'`)),
        ),
      )
      .limit(50);
    for (const { id } of recent) {
      if (settled.has(id)) continue;
      let progress = await broadcastProgress(deps.db, id);
      // Nobody pending, yet not finished: its last recipients were settled outside our worker
      // (the dashboard, or a process that died before recording the end).
      if (progress && !progress.finished && progress.pending === 0) {
        await deps.db.transaction((tx) => finishIfDone(tx, id));
        progress = await broadcastProgress(deps.db, id);
      }
      if (!progress?.createdBy || !progress.progressMessageId) continue;
      const text = formatBroadcastProgress(progress, TEXTS[await adminLang(languages, progress.createdBy)]);
      if (shown.get(id) !== text) {
        try {
          await deps.api.editMessageText(progress.createdBy, progress.progressMessageId, text);
        } catch (err) {
          // 400: not modified (another process got there first) or the message is gone.
          if (!(err instanceof GrammyError && err.error_code === 400)) throw err;
        }
        shown.set(id, text);
      }
      if (progress.finished) settled.add(id);
    }
  }

  const timer = setInterval(() => {
    running = running.then(tick).catch((err) => deps.logger.warn({ err }, "could not update broadcast progress"));
  }, deps.everyMs ?? 3_000);
  return {
    tick: () => (running = running.then(tick)),
    async stop() {
      clearInterval(timer);
      await running.catch(() => {});
    },
  };
}
