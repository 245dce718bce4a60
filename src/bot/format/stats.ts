import type { StatusCounts } from "../../db/queries/bookings";
import type { Stats } from "../../db/queries/stats";
import type { Texts } from "../i18n";
import { STATUS_BADGE, courseTitle, formatCount, streamTitle } from "./values";

/** Limits the per-stream part so the message stays far below 4096 characters. */
const MAX_STREAM_LINES = 25;

export function formatStats(stats: Stats, t: Texts): string {
  const n = (value: number) => formatCount(value, t);
  const perStatus = (c: StatusCounts) => ([2, 1, 0, -1] as const).map((s) => `${STATUS_BADGE[s]} ${n(c[s])}`).join(" · ");
  const percent = (part: number, whole: number) =>
    whole === 0 ? "—" : `${new Intl.NumberFormat(t.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format((100 * part) / whole)}%`;
  const { counts, delivery } = stats;
  const streams = stats.byStream
    .slice(0, MAX_STREAM_LINES)
    .map((s) => `${courseTitle(s.courseId, s.courseName, t)} · ${streamTitle(s.stream, s.streamTitle, t)} — ${n(s.counts.all)}: ${perStatus(s.counts)}`);
  if (stats.byStream.length > MAX_STREAM_LINES) streams.push(t.stats.more(stats.byStream.length - MAX_STREAM_LINES));
  const attempted = delivery.sent + delivery.failed;
  return [
    t.stats.title,
    "",
    t.stats.total(n(counts.all), perStatus(counts)),
    t.stats.fresh(n(stats.newToday), n(stats.newThisWeek)),
    t.stats.confirmedShare(percent(counts[2], counts.all), percent(counts[2], counts.all - counts[-1])),
    "",
    t.stats.byStream,
    ...(streams.length ? streams : ["—"]),
    "",
    t.stats.delivery(percent(delivery.sent, attempted), n(delivery.sent), n(delivery.failed), n(delivery.queued)),
  ].join("\n");
}
