import type { EventRow } from "../db/schema";

export type HistoryActor = { id?: number; name?: string; role: "admin" | "student" };

/** One line of a booking's history: `from` null = the booking was created, undefined = unknown. */
export type HistoryEntry = {
  at: Date | null;
  from: number | null | undefined;
  to: number;
  actor?: HistoryActor;
  reason?: string;
};

/** The real bot logs its follow-up event right after the status change; further apart, they are separate. */
const FOLLOW_UP_MS = 120_000;

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v : undefined);

function actorOf(details: Record<string, unknown>): HistoryActor | undefined {
  const role = details.actor_role;
  if (role !== "admin" && role !== "student") return undefined;
  const id = num(details.actor_id);
  const name = str(details.actor_name);
  return { role, ...(id !== undefined ? { id } : {}), ...(name ? { name } : {}) };
}

/** The follow-up may name who acted on the status change just before it, if that one does not say. */
function foldFollowUp(entries: HistoryEntry[], row: EventRow, to: number, actor: HistoryActor): void {
  const last = entries.at(-1);
  const close = last?.at && row.createdAt && Math.abs(row.createdAt.getTime() - last.at.getTime()) <= FOLLOW_UP_MS;
  if (last && last.to === to && close) {
    last.actor ??= actor;
    return;
  }
  entries.push({ at: row.createdAt, from: undefined, to, actor });
}

/**
 * Both bots' events about one booking as one history, oldest first. The real bot logs an
 * approval as `booking_status_changed` + `payment_approved {approved_by}` and a student's
 * cancellation as `booking_status_changed` + `booking_cancelled`: each pair is one line, with
 * who acted. Ours carry the actor in the status change itself, so their follow-ups add nothing.
 */
export function bookingHistory(rows: readonly EventRow[]): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const row of [...rows].sort((a, b) => a.id - b.id)) {
    const details = (row.details ?? {}) as Record<string, unknown>;
    const fromUs = details.source === "admin_bot";
    switch (row.eventType) {
      case "booking_created":
        entries.push({ at: row.createdAt, from: null, to: 0, actor: actorOf(details) ?? { id: row.userId, role: "student" } });
        break;
      case "booking_status_changed": {
        const to = num(details.new_status);
        if (to === undefined) break;
        const reason = str(details.reason);
        const actor = actorOf(details);
        entries.push({ at: row.createdAt, from: num(details.old_status), to, ...(actor ? { actor } : {}), ...(reason ? { reason } : {}) });
        break;
      }
      case "payment_approved": {
        const by = num(details.approved_by);
        if (!fromUs) foldFollowUp(entries, row, 2, { role: "admin", ...(by !== undefined ? { id: by } : {}) });
        break;
      }
      case "booking_cancelled":
        if (!fromUs) foldFollowUp(entries, row, -1, { id: row.userId, role: "student" });
        break;
    }
  }
  return entries;
}

/** Admin ids the history names without a name, to look up. */
export function unnamedAdmins(entries: readonly HistoryEntry[]): number[] {
  const ids = entries.filter((e) => e.actor?.role === "admin" && !e.actor.name && e.actor.id !== undefined).map((e) => e.actor!.id!);
  return [...new Set(ids)];
}
