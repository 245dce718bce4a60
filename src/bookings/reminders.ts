import { bookingTemplateValues } from "./template-values";
import type { Db } from "../db/client";
import { listDueReminders, reminderKey } from "../db/queries/reminders";
import type { Logger } from "../logger";
import { enqueue } from "../db/queries/outbox";
import { loadTemplate, renderTemplate } from "./templates";
import { periodic, type Periodic } from "../periodic";

/**
 * Queues a reminder for every confirmed booking whose stream starts within `hours` and has not
 * started yet. The outbox key (booking + start time) makes it exactly once per booking, however
 * often this runs and however many processes run it; a stream moved to a new date reminds again.
 */
export async function queueDueReminders(
  db: Db,
  options: { hours: number; now: Date; timeZone: string; batch?: number },
): Promise<number> {
  const horizon = new Date(options.now.getTime() + options.hours * 3_600_000);
  const due = await listDueReminders(db, { now: options.now, horizon, batch: options.batch ?? 1000 });
  if (due.length === 0) return 0;
  const template = await loadTemplate(db, "reminder");
  return enqueue(
    db,
    due.map((row) => ({
      dedupeKey: reminderKey(row.id, row.streamStartsAt!),
      kind: "reminder" as const,
      chatId: row.userId,
      text: renderTemplate(template.body, bookingTemplateValues(row, options.timeZone)),
      bookingId: row.id,
    })),
  );
}

/** Runs `queueDueReminders` now and then every `everyMs`, until stopped. */
export function startReminders(
  db: Db,
  options: { hours: number; timeZone: string; everyMs?: number; clock?: () => Date; logger: Logger; onQueued?: () => void },
): Periodic {
  const reminders = periodic(
    async () => {
      for (;;) {
        const queued = await queueDueReminders(db, { hours: options.hours, now: options.clock?.() ?? new Date(), timeZone: options.timeZone });
        if (queued === 0) return;
        options.logger.info({ queued }, "reminders queued");
        options.onQueued?.();
      }
    },
    { everyMs: options.everyMs ?? 60_000, onError: (err) => options.logger.warn({ err }, "could not queue reminders; will try again") },
  );
  reminders.start();
  return reminders;
}
