import type { Api } from "grammy";
import { GrammyError } from "grammy";
import type { Db } from "../db/client";
import {
  broadcastOfRecipient,
  broadcastProgress,
  listWatchedBroadcasts,
  markBroadcastFinished,
  markRecallDone,
  recallCounts,
  setProgressMessage,
  startDueBroadcasts,
  type BroadcastProgress,
  type OnStarted,
} from "../db/queries/broadcasts";
import { enqueue } from "../db/queries/outbox";
import type { Logger } from "../logger";
import type { OnOutcome } from "./worker";
import { periodic } from "../periodic";

/**
 * What a broadcast's admin reads about it, in their language: the bot layer's words, passed in
 * (this layer knows no phrases). `db` is the transaction or pool to read their language from.
 */
export type BroadcastWords = {
  progress(db: Db, adminId: number, progress: BroadcastProgress): Promise<string>;
  /** The last word on a broadcast, with its buttons (e.g. "🗑 Delete from chats"). */
  report(db: Db, adminId: number, progress: BroadcastProgress): Promise<{ text: string; replyMarkup?: unknown }>;
  /** How a recall ended: of the delivered copies, how many are gone from the chats. */
  recallReport(db: Db, adminId: number, messageId: number, counts: { delivered: number; deleted: number }): Promise<string>;
};

/**
 * Marks a broadcast finished once no recipient is pending, and queues its report (once). A
 * message to one student (`individual`) has no report: its admin hears only of a failure.
 */
export async function finishIfDone(tx: Db, messageId: number, words: BroadcastWords): Promise<boolean> {
  const done = await markBroadcastFinished(tx, messageId);
  if (!done) return false;
  if (!done.broadcast) return true;
  const progress = await broadcastProgress(tx, messageId);
  if (done.createdBy !== null && progress) {
    const { text, replyMarkup } = await words.report(tx, done.createdBy, progress);
    await enqueue(tx, [{ dedupeKey: `broadcast:${messageId}:report`, kind: "broadcast_report", chatId: done.createdBy, text, replyMarkup }]);
  }
  return true;
}

/** A recall's report to the admin who asked for it, once its last deletion is done. */
export async function finishRecallIfDone(tx: Db, messageId: number, words: BroadcastWords): Promise<boolean> {
  const done = await markRecallDone(tx, messageId);
  if (!done) return false;
  const text = await words.recallReport(tx, done.recalledBy, messageId, await recallCounts(tx, messageId));
  await enqueue(tx, [{ dedupeKey: `broadcast:${messageId}:recall-report`, kind: "broadcast_report", chatId: done.recalledBy, text }]);
  return true;
}

const progressKey = (messageId: number) => `broadcast:${messageId}:progress`;
const PROGRESS_KEY = /^broadcast:(\d+):progress$/;

/**
 * A scheduled broadcast's start, in its transaction: the progress message an immediate one gets
 * from the conversation is queued to its admin instead (nobody may be in the chat, and the start
 * may be another process's), at notice priority like its report and ahead of it in their chat; a
 * broadcast to nobody is finished at once, its report queued behind.
 */
export function announceStart(words: BroadcastWords): OnStarted {
  return async (tx, started) => {
    const progress = await broadcastProgress(tx, started.messageId);
    if (progress) {
      const text = await words.progress(tx, started.createdBy, progress);
      await enqueue(tx, [{ dedupeKey: progressKey(started.messageId), kind: "broadcast_report", chatId: started.createdBy, text }]);
    }
    if (started.recipients === 0) await finishIfDone(tx, started.messageId, words);
  };
}

/**
 * The delivery worker's follow-ups: a queued progress message, once sent, becomes the one the
 * progress updater edits (as the conversation's own reply does for an immediate broadcast); when
 * a broadcast's last recipient is done (the worker holds the broadcast's row lock, so exactly one
 * transaction sees "none left"), mark it finished and queue the report to the admin who sent it.
 */
export function finishBroadcastOnLastRecipient(words: BroadcastWords): OnOutcome {
  return async (tx, row, outcome) => {
    const progressOf = PROGRESS_KEY.exec(row.dedupeKey)?.[1];
    if (progressOf !== undefined && outcome.status === "sent") await setProgressMessage(tx, Number(progressOf), outcome.telegramMessageId);
    if (row.recipientId === null) return;
    const messageId = await broadcastOfRecipient(tx, row.recipientId);
    if (messageId === undefined) return;
    if (row.kind === "broadcast_recall") await finishRecallIfDone(tx, messageId, words);
    else await finishIfDone(tx, messageId, words);
  };
}

/**
 * Keeps each running broadcast's progress message up to date by editing it every few seconds
 * (only when the figures changed), and once more when it finishes.
 */
export function startBroadcastProgress(deps: { db: Db; api: Pick<Api, "editMessageText">; logger: Logger; words: BroadcastWords; everyMs?: number }) {
  const shown = new Map<number, string>();
  const settled = new Set<number>();

  async function tick(): Promise<void> {
    for (const id of await listWatchedBroadcasts(deps.db)) {
      if (settled.has(id)) continue;
      let progress = await broadcastProgress(deps.db, id);
      // Nobody pending, yet not finished: its last recipients were settled outside our worker
      // (the dashboard, or a process that died before recording the end).
      if (progress && !progress.finished && progress.pending === 0) {
        await deps.db.transaction((tx) => finishIfDone(tx, id, deps.words));
        progress = await broadcastProgress(deps.db, id);
      }
      if (!progress?.createdBy || !progress.progressMessageId) continue;
      const text = await deps.words.progress(deps.db, progress.createdBy, progress);
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

  const progress = periodic(tick, { everyMs: deps.everyMs ?? 3_000, onError: (err) => deps.logger.warn({ err }, "could not update broadcast progress") });
  progress.start();
  return progress;
}

/**
 * Starts scheduled broadcasts when their time comes: every few seconds, the due ones (each
 * exactly once, whichever process gets there: see startDueBroadcasts), each with its admin's
 * progress message queued (announceStart). Their time lives in the database, so a restart loses
 * none; one that was due while the bot was down goes at start.
 */
export function startBroadcastScheduler(deps: { db: Db; logger: Logger; words: BroadcastWords; everyMs?: number }) {
  async function tick(): Promise<void> {
    for (;;) {
      const started = await startDueBroadcasts(deps.db, announceStart(deps.words));
      for (const s of started) {
        deps.logger.info({ broadcast_id: s.id, message_id: s.messageId, recipients: s.recipients, admin_id: s.createdBy }, "scheduled broadcast started");
      }
      if (started.length === 0) return;
    }
  }
  const scheduler = periodic(tick, { everyMs: deps.everyMs ?? 5_000, onError: (err) => deps.logger.warn({ err }, "could not start scheduled broadcasts") });
  scheduler.start();
  return scheduler;
}
