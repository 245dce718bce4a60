import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { sql, type SQL } from "drizzle-orm";
import { isDatabaseUnavailable } from "./errors";
import type { Db } from "./client";
import { listMigrationNotes, type Note } from "./migration-notes";
import type { Logger } from "../logger";

/** What `/api/test-db`, the bot's `/health` and `npm run db:check` report. Numbers are null when unknown. */
export type HealthReport = {
  /** The database answers and every migration this code ships is applied. */
  ok: boolean;
  database: "reachable" | "unreachable";
  migrations: { applied: number | null; expected: number; current: boolean };
  outbox: { queued: number | null; oldest_queued_age_seconds: number | null; last_error: string | null };
  /** What migrations skipped or found on an adopted database (warnings need an operator; infos do not). */
  notes: Note[];
};

export type HealthOptions = {
  migrationsFolder: string;
  /** Gets the reason when the database cannot be reached (the report itself only says so). */
  logger?: Logger;
};

type Journal = { entries: Array<{ when: number }> };

async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  // node-postgres answers a raw query with `{ rows }`.
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/**
 * Ages come from the database's clock, as the delivery worker's due dates do, so they are right
 * whatever this machine's clock says. Never throws for an unreachable database: that is a finding.
 */
export async function checkHealth(db: Db, options: HealthOptions): Promise<HealthReport> {
  const journal = JSON.parse(await readFile(join(options.migrationsFolder, "meta", "_journal.json"), "utf8")) as Journal;
  const expected = journal.entries.length;
  const lastShipped = Math.max(0, ...journal.entries.map((e) => e.when));
  const unreachable: HealthReport = {
    ok: false,
    database: "unreachable",
    migrations: { applied: null, expected, current: false },
    outbox: { queued: null, oldest_queued_age_seconds: null, last_error: null },
    notes: [],
  };

  let tables: { migrations: boolean; outbox: boolean };
  try {
    // Doubles as the ping; a database never migrated has neither table and is not an error here.
    const found = await rows<typeof tables>(
      db,
      sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS migrations, to_regclass('outbox') IS NOT NULL AS outbox`,
    );
    tables = found[0]!;
  } catch (err) {
    // Any failure of the ping (refused, wrong password, no such database) means "cannot use it".
    options.logger?.warn({ err }, "health check: database unreachable");
    return unreachable;
  }

  try {
    const [applied = { n: 0, last: 0 }] = tables.migrations
      ? await rows<{ n: number; last: number }>(
          db,
          sql`SELECT count(*)::int AS n, coalesce(max(created_at), 0)::float8 AS last FROM drizzle.__drizzle_migrations`,
        )
      : [];
    // drizzle's own test for "nothing to run": the newest applied migration is at least as new as ours.
    const current = applied.n >= expected && applied.last >= lastShipped;
    const outbox = tables.outbox ? await outboxState(db) : unreachable.outbox;
    const notes = await listMigrationNotes(db);
    return { ok: current, database: "reachable", migrations: { applied: applied.n, expected, current }, outbox, notes };
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    options.logger?.warn({ err }, "health check: database went away");
    return unreachable;
  }
}

async function outboxState(db: Db): Promise<HealthReport["outbox"]> {
  // "Most recent" failure by id: the table has no failed_at, and walking the primary key
  // backwards stops at the first failed row instead of sorting them all.
  const [state] = await rows<{ queued: number; oldest: number | null; last_error: string | null }>(
    db,
    sql`SELECT
      (SELECT count(*)::int FROM outbox WHERE status = 'queued') AS queued,
      (SELECT extract(epoch FROM now() - min(created_at))::float8 FROM outbox WHERE status = 'queued') AS oldest,
      (SELECT last_error FROM outbox WHERE status = 'failed' AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1) AS last_error`,
  );
  return {
    queued: state?.queued ?? 0,
    oldest_queued_age_seconds: state?.oldest == null ? null : Math.max(0, Math.floor(state.oldest)),
    last_error: state?.last_error ?? null,
  };
}
