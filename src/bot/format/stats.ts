import type { StatusCounts } from "../../db/queries/bookings";
import type { Stats } from "../../db/queries/stats";
import type { Texts } from "../i18n";
import { STATUS_BADGE, courseTitle, formatCount, streamTitle } from "./values";

/** Limits the per-stream part so the message stays far below 4096 characters. */
const MAX_STREAM_LINES = 25;

function fmt(t: Texts) {
  const n = (value: number) => formatCount(value, t);
  const perStatus = (c: StatusCounts) => ([2, 1, 0, -1] as const).map((s) => `${STATUS_BADGE[s]} ${n(c[s])}`).join(" · ");
  const percent = (part: number, whole: number) =>
    whole === 0 ? "—" : `${new Intl.NumberFormat(t.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format((100 * part) / whole)}%`;
  return { n, perStatus, percent };
}

/**
 * /stats' caption under the chart (always far below Telegram's 1,024 characters): totals, new
 * bookings, conversion, delivery, and what the chart's colours mean.
 */
export function formatStatsSummary(stats: Stats, t: Texts): string {
  const { n, perStatus, percent } = fmt(t);
  const { counts, delivery } = stats;
  const attempted = delivery.sent + delivery.failed;
  return [
    t.stats.title,
    "",
    t.stats.total(n(counts.all), perStatus(counts)),
    t.stats.fresh(n(stats.newToday), n(stats.newThisWeek)),
    t.stats.confirmedShare(percent(counts[2], counts.all), percent(counts[2], counts.all - counts[-1])),
    attempted + delivery.queued === 0 ? t.stats.noDelivery : t.stats.delivery(percent(delivery.sent, attempted), n(delivery.sent), n(delivery.failed), n(delivery.queued)),
    "",
    t.stats.chart,
  ].join("\n");
}

/** Bookings per course and stream, the message after the chart; undefined when there are none. */
export function formatStatsByStream(stats: Stats, t: Texts): string | undefined {
  if (stats.byStream.length === 0) return undefined;
  const { n, perStatus } = fmt(t);
  const lines = stats.byStream
    .slice(0, MAX_STREAM_LINES)
    .map((s) => `${courseTitle(s.courseId, s.courseName, t)} · ${streamTitle(s.stream, s.streamTitle, t)} — ${n(s.counts.all)}: ${perStatus(s.counts)}`);
  if (stats.byStream.length > MAX_STREAM_LINES) lines.push(t.stats.more(stats.byStream.length - MAX_STREAM_LINES));
  return [t.stats.byStream, ...lines].join("\n");
}
