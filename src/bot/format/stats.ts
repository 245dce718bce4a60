import type { StatusCounts } from "../../db/queries/bookings";
import type { Stats } from "../../db/queries/stats";
import { STATUS_BADGE, courseTitle, formatCount, streamTitle } from "./values";

const perStatus = (c: StatusCounts) => ([2, 1, 0, -1] as const).map((s) => `${STATUS_BADGE[s]} ${formatCount(c[s])}`).join(" · ");
const percent = (part: number, whole: number) => (whole === 0 ? "—" : `${((100 * part) / whole).toFixed(1).replace(".", ",")}%`);

/** Limits the per-stream part so the message stays far below 4096 characters. */
const MAX_STREAM_LINES = 25;

export function formatStats(stats: Stats): string {
  const { counts, delivery } = stats;
  const streams = stats.byStream
    .slice(0, MAX_STREAM_LINES)
    .map((s) => `${courseTitle(s.courseId, s.courseName)} · ${streamTitle(s.stream, s.streamTitle)} — ${formatCount(s.counts.all)}: ${perStatus(s.counts)}`);
  if (stats.byStream.length > MAX_STREAM_LINES) streams.push(`… и ещё ${stats.byStream.length - MAX_STREAM_LINES}`);
  const attempted = delivery.sent + delivery.failed;
  return [
    "📊 <b>Статистика</b>",
    "",
    `Заявок: ${formatCount(counts.all)} — ${perStatus(counts)}`,
    `Новых сегодня: ${formatCount(stats.newToday)} · за 7 дней: ${formatCount(stats.newThisWeek)}`,
    `Подтверждено из всех заявок: ${percent(counts[2], counts.all)} · без отменённых: ${percent(counts[2], counts.all - counts[-1])}`,
    "",
    "<b>По курсам и потокам</b>",
    ...(streams.length ? streams : ["—"]),
    "",
    `<b>Доставка сообщений студентам</b> (30 дней): ${percent(delivery.sent, attempted)} — отправлено ${formatCount(delivery.sent)}, не доставлено ${formatCount(delivery.failed)}, в очереди ${formatCount(delivery.queued)}`,
  ].join("\n");
}
