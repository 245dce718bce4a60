import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { Database } from "./client";

/** `drizzle/` of this project, found upwards from this file (it runs from src/ in tests, from dist/ in production). */
function findMigrationsFolder(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "drizzle");
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error("the drizzle/ migrations folder was not found");
  }
}

export const MIGRATIONS_FOLDER = findMigrationsFolder();

/** Arbitrary but fixed: every process of this bot agrees on it. */
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Applies pending migrations. A session advisory lock serialises processes that start at the
 * same moment (drizzle's migrator alone would race on its own bookkeeping table).
 */
export async function runMigrations(database: Pick<Database, "pool">, folder = MIGRATIONS_FOLDER): Promise<void> {
  const client = await database.pool.connect();
  try {
    // Waiting for another process's migration, or building an index on a large adopted table,
    // may take longer than the pool's statement timeout allows ordinary queries.
    await client.query("SET statement_timeout = 0");
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder: folder });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
      await client.query("RESET statement_timeout");
    }
  } finally {
    client.release();
  }
}
