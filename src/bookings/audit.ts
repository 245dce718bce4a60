import type { Db } from "../db/client";
import { recordAdminAction, type AdminActor } from "../db/queries/admin-actions";

export type { AdminActor };

/** A value an admin changes: a title, a flag, a start date. */
type Value = string | number | boolean | Date | null;

/** What a guarded change did: nothing to change, or from what to what. */
export type ChangeOutcome<T extends Value> = { kind: "not-found" } | { kind: "unchanged"; value: T } | { kind: "changed"; old: T; value: T };

const plain = (value: Value) => (value instanceof Date ? value.toISOString() : value);

/**
 * The rule of every admin change outside bookings: read the current value under a row lock
 * (`read` says FOR UPDATE), write `next` if it differs, and audit `{old, new}` in `admin_actions`,
 * in one transaction: two admins pressing at once make one change and one audit row, and the
 * second sees "unchanged".
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
