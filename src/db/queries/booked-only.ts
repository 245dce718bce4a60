import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { rawRows } from "../raw";


/** Every user id `bookings` has and `users` lacks, and the newest booking id seen meanwhile. */
async function walkAll(db: Db): Promise<{ ids: number[]; last: number }> {
  // The newest id first: a booking added during the walk is then picked up by the next `since`.
  const [top] = await rawRows<{ last: number }>(db, sql`SELECT coalesce(max(id), 0)::int AS last FROM bookings`);
  // One index probe per student (a loose index scan), not one row per booking: ~0.5 s at 100,000 students.
  const rows = await rawRows<{ user_id: string }>(db, sql`
    WITH RECURSIVE ids AS (
      (SELECT user_id FROM bookings ORDER BY user_id LIMIT 1)
      UNION ALL
      SELECT (SELECT b.user_id FROM bookings b WHERE b.user_id > ids.user_id ORDER BY b.user_id LIMIT 1) FROM ids WHERE ids.user_id IS NOT NULL
    )
    SELECT user_id FROM ids WHERE user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = ids.user_id)`);
  return { ids: rows.map((r) => Number(r.user_id)), last: top?.last ?? 0 };
}

/** The same for bookings added after `last` (by id, on the primary key): a handful between two searches. */
async function walkSince(db: Db, last: number): Promise<{ ids: number[]; last: number }> {
  const [row] = await rawRows<{ last: number; ids: string[] }>(
    db,
    sql`
    WITH added AS (SELECT id, user_id FROM bookings WHERE id > ${last})
    SELECT (SELECT coalesce(max(id), ${last})::int FROM added) AS last,
           (SELECT coalesce(array_agg(DISTINCT a.user_id), '{}') FROM added a WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = a.user_id)) AS ids`,
  );
  return { ids: (row?.ids ?? []).map(Number), last: row?.last ?? last };
}

/**
 * Students only `bookings` knows (no `users` row): older rows of the real system, whose bot now
 * records everyone at /start. Finding them means a walk over every student's bookings, too slow
 * for each search, so this keeps their ids: the whole walk at the first search, and again every
 * `fullEveryMs` (for `users` rows deleted meanwhile) beside the searches, which use what is known
 * until it ends; each search adds only the bookings since. Ids that have since got a `users` row
 * stay in the list: the search checks `users` itself.
 */
export function bookedOnlyStudents(db: Db, now: () => number, fullEveryMs = 60 * 60_000): () => Promise<number[]> {
  let known: { ids: Set<number>; last: number; at: number } | undefined;
  let first: Promise<void> | undefined;
  let again: Promise<void> | undefined;
  let pending: Promise<number[]> | undefined;

  async function walk(): Promise<void> {
    const at = now();
    const all = await walkAll(db);
    known = { ids: new Set(all.ids), last: all.last, at };
  }

  async function current(): Promise<number[]> {
    if (!known) await (first ??= walk().finally(() => (first = undefined)));
    // A failed walk in the background is simply tried again by a later search.
    if (now() - known!.at >= fullEveryMs) again ??= walk().catch(() => {}).finally(() => (again = undefined));
    const added = await walkSince(db, known!.last);
    for (const id of added.ids) known!.ids.add(id);
    known!.last = Math.max(known!.last, added.last);
    return [...known!.ids];
  }

  // Searches at the same moment share one query; a failed one is tried again by the next search.
  return () => (pending ??= current().finally(() => (pending = undefined)));
}
