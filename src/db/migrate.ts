import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type pg from "pg";
import type { Logger } from "../logger";
import type { Database } from "./client";
import { ensureSharedIndexes } from "./shared-indexes";

/** `drizzle/` of this project, found upwards from this file (it runs from src/ in tests, from dist/ in production). */
function findMigrationsFolder(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "drizzle");
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error("the drizzle/ migrations folder was not found");
  }
}

let found: string | undefined;
/** Found on first use, not at import: importing this module touches no file. */
export const migrationsFolder = (): string => (found ??= findMigrationsFolder());

/** Arbitrary but fixed: every process of this bot agrees on it. */
const MIGRATION_LOCK_KEY = 727_001;

type Journal = { entries: Array<{ tag: string; when: number }> };

/** The migrations not applied yet, each with its first comment line (what it does). */
async function pendingMigrations(client: pg.PoolClient, folder: string): Promise<Array<{ tag: string; about: string }>> {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as Journal;
  // Two queries: PostgreSQL resolves a table name even in a CASE branch that is never taken.
  const [table] = (await client.query<{ present: boolean }>("SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present")).rows;
  const [applied] = table?.present ? (await client.query<{ last: string | null }>("SELECT max(created_at)::text AS last FROM drizzle.__drizzle_migrations")).rows : [];
  const last = applied?.last == null ? -1 : Number(applied.last);
  return journal.entries
    .filter((e) => e.when > last)
    .map((e) => {
      // The file's first comment line ("-->" marks drizzle's statement breaks, not a comment).
      const first = /^--(?!>)\s*(.+)$/m.exec(readFileSync(join(folder, `${e.tag}.sql`), "utf8"))?.[1];
      return { tag: e.tag, about: first ?? "" };
    });
}

/** Waits for the lock by polling, so a waiting process holds no snapshot a concurrent index build would wait for. */
async function takeLock(client: pg.PoolClient, logger?: Pick<Logger, "info">): Promise<void> {
  for (let said = false; ; said = true) {
    const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [MIGRATION_LOCK_KEY]);
    if (rows[0]?.ok) return;
    if (!said) logger?.info("another process is migrating the database; waiting for it");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Applies pending migrations, then builds our indexes on the real system's tables without
 * blocking their writes (src/db/shared-indexes.ts). A session advisory lock serialises
 * processes that start at the same moment (drizzle's migrator alone would race on its own
 * bookkeeping table). Says what it does: each pending migration before, the time after.
 */
export async function runMigrations(database: Pick<Database, "pool">, options: { folder?: string; logger?: Pick<Logger, "info"> } = {}): Promise<void> {
  const folder = options.folder ?? migrationsFolder();
  const { logger } = options;
  const client = await database.pool.connect();
  try {
    // Waiting for another process's migration, or building an index on a large adopted table,
    // may take longer than the pool's statement timeout allows ordinary queries.
    await client.query("SET statement_timeout = 0");
    await takeLock(client, logger);
    try {
      const pending = await pendingMigrations(client, folder);
      if (pending.length > 0) {
        for (const m of pending) logger?.info({ migration: m.tag }, `applying migration ${m.tag}${m.about ? `: ${m.about}` : ""}`);
        const started = Date.now();
        await migratePg(drizzlePg(client), { migrationsFolder: folder });
        logger?.info({ migrations: pending.length, seconds: (Date.now() - started) / 1000 }, `applied ${pending.length} migration(s)`);
      }
      await ensureSharedIndexes(client, logger);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
      await client.query("RESET statement_timeout");
    }
  } finally {
    client.release();
  }
}
