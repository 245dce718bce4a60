import type { Db } from "../client";
import { adminActions } from "../schema";

/** Who changed something: the admin's Telegram id and first name. */
export type AdminActor = { id: number; name: string | null };

/** A value an admin changes: a title, a flag, a start date. */
type Value = string | number | boolean | Date | null;

/** What a guarded change did: nothing to change, or from what to what. */
export type ChangeOutcome<T extends Value> = { kind: "not-found" } | { kind: "unchanged"; value: T } | { kind: "changed"; old: T; value: T };

const plain = (value: Value) => (value instanceof Date ? value.toISOString() : value);

/** One audit row, written in the transaction of the change it describes. */
export async function recordAdminAction(tx: Db, actor: AdminActor, action: string, target: string, details: Record<string, unknown>): Promise<void> {
  await tx.insert(adminActions).values({ adminId: actor.id, adminName: actor.name, action, target, details });
}

/**
 * Reads the current value under a row lock (`read` says FOR UPDATE), writes `next` if it differs,
 * and audits `{old, new}`, in one transaction: two admins pressing at once make one change and
 * one audit row, and the second sees "unchanged".
 */
export function auditedChange<T extends Value>(
  db: Db,
  audit: { actor: AdminActor; action: string; target: string },
  change: { read: (tx: Db) => Promise<{ value: T } | undefined>; next: T; write: (tx: Db) => Promise<unknown> },
): Promise<ChangeOutcome<T>> {
  return db.transaction(async (tx) => {
    const current = await change.read(tx);
    if (!current) return { kind: "not-found" } as const;
    if (plain(current.value) === plain(change.next)) return { kind: "unchanged", value: current.value } as const;
    await change.write(tx);
    await recordAdminAction(tx, audit.actor, audit.action, audit.target, { old: plain(current.value), new: plain(change.next) });
    return { kind: "changed", old: current.value, value: change.next } as const;
  });
}
