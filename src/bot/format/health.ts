import type { HealthReport } from "../../db/health";
import { escapeHtml, truncate } from "./html";
import { formatCount } from "./values";

const age = (seconds: number | null) =>
  seconds === null ? "—" : seconds < 120 ? `${seconds} с` : seconds < 7200 ? `${Math.round(seconds / 60)} мин` : `${Math.round(seconds / 3600)} ч`;

/** /health: the same facts as `npm run db:check` and GET /api/test-db. */
export function formatHealth(report: HealthReport): string {
  const m = report.migrations;
  return [
    report.ok ? "✅ <b>Всё в порядке</b>" : "⚠️ <b>Есть проблемы</b>",
    `База данных: ${report.database === "reachable" ? "доступна" : "недоступна"}`,
    `Миграции: ${m.applied ?? "?"} из ${m.expected}${m.applied === null || m.current ? "" : " — не все применены"}`,
    `Очередь сообщений: ${report.outbox.queued === null ? "?" : formatCount(report.outbox.queued)} · самое старое ждёт: ${age(report.outbox.oldest_queued_age_seconds)}`,
    `Последняя ошибка доставки: ${report.outbox.last_error ? escapeHtml(truncate(report.outbox.last_error, 300)) : "нет"}`,
  ].join("\n");
}
