import type { HealthReport } from "../../db/health";
import type { Note } from "../../db/migration-notes";
import type { Texts } from "../i18n";
import { escapeHtml, truncate } from "./html";
import { formatCount } from "./values";

/** /health: the same facts as `npm run db:check` and GET /api/test-db. */
function noteLine(note: Note, t: Texts): string {
  const known = t.health.note[note.key]?.(note.count, escapeHtml(note.detail ?? ""));
  const text = known ?? escapeHtml([note.message, note.advice].filter(Boolean).join(": "));
  return `${note.level === "warning" ? "⚠️" : "ℹ️"} ${truncate(text, 500)}`;
}

export function formatHealth(report: HealthReport, t: Texts): string {
  const h = t.health;
  const seconds = report.outbox.oldest_queued_age_seconds;
  const age =
    seconds === null ? "—" : seconds < 120 ? h.seconds(seconds) : seconds < 7200 ? h.minutes(Math.round(seconds / 60)) : h.hours(Math.round(seconds / 3600));
  const m = report.migrations;
  return [
    report.ok ? h.ok : h.notOk,
    h.database(report.database === "reachable"),
    h.migrations(m.applied === null ? "?" : String(m.applied), m.expected, m.applied !== null && !m.current),
    h.queue(report.outbox.queued === null ? "?" : formatCount(report.outbox.queued, t), age),
    h.lastError(report.outbox.last_error ? escapeHtml(truncate(report.outbox.last_error, 300)) : undefined),
    ...(report.notes.length > 0 ? ["", h.notes, ...report.notes.slice(0, 10).map((n) => noteLine(n, t))] : []),
  ].join("\n");
}
