import { and, eq, gt, lte, notExists, sql } from "drizzle-orm";
import { bookingTemplateValues } from "../bookings/template-values";
import type { Db } from "../db/client";
import { bookingRowColumns } from "../db/queries/bookings";
import { bookings, courses, outbox, streams } from "../db/schema";
import type { Logger } from "../logger";
import { enqueue } from "./outbox";
import { loadTemplate, renderTemplate } from "./templates";

const reminderKey = (bookingId: number, startsAt: Date) => `reminder:${bookingId}:${startsAt.getTime()}`;

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
  const due = await db
    .select(bookingRowColumns)
    .from(bookings)
    .innerJoin(streams, eq(streams.code, bookings.courseStream))
    .leftJoin(courses, eq(courses.id, bookings.courseId))
    .where(
      and(
        eq(bookings.confirmed, 2),
        gt(streams.startsAt, options.now),
        lte(streams.startsAt, horizon),
        notExists(
          db
            .select({ one: sql`1` })
            .from(outbox)
            .where(and(eq(outbox.bookingId, bookings.id), eq(outbox.kind, "reminder"), eq(outbox.dedupeKey, sql`'reminder:' || ${bookings.id} || ':' || floor(extract(epoch from ${streams.startsAt}) * 1000)::bigint`))),
        ),
      ),
    )
    .limit(options.batch ?? 1000);
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
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        for (;;) {
          const queued = await queueDueReminders(db, { hours: options.hours, now: options.clock?.() ?? new Date(), timeZone: options.timeZone });
          if (queued === 0) break;
          options.logger.info({ queued }, "reminders queued");
          options.onQueued?.();
        }
      } catch (err) {
        options.logger.warn({ err }, "could not queue reminders; will try again");
      }
    })();
  };
  tick();
  const timer = setInterval(tick, options.everyMs ?? 60_000);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
