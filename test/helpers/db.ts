import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { openPostgres, type Database } from "../../src/db/client";
import { migrationsFolder } from "../../src/db/migrate";

export type TestDatabase = Database & { url: string; dispose(): Promise<void> };

/**
 * A fresh database per call on the run's one PostgreSQL server (the embedded one, or
 * TEST_DATABASE_URL: test/helpers/test-server.ts), so files running in parallel never share
 * tables. Migrated ones are cloned from the run's migrated template (faster than migrating
 * each); `migrate: false` gives an empty one for tests of the migrations themselves.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const { adminUrl, template } = inject("testServer");
  const name = `bot_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${options.migrate === false ? "template0" : template}`));
  const url = databaseUrl(adminUrl, name);
  const database = openPostgres(url, { max: 5 });
  return Object.assign(database, {
    url,
    dispose: async () => {
      await database.close();
      await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  });
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Raw SQL for tests that must bypass the query layer (legacy tables, fixtures). */
export async function rawQuery(database: Database, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return (await database.pool.query(text, params)).rows;
}

export async function rawExec(database: Database, text: string): Promise<void> {
  await database.pool.query(text);
}

/** How many migrations drizzle/ holds (its journal), to check that each applied exactly once. */
export function migrationCount(): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder(), "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
  return journal.entries.length;
}

/** A database nobody answers for (port 1 refuses at once): for "database down" tests. */
export function unreachableDatabase() {
  return openPostgres("postgres://postgres@127.0.0.1:1/none", { connectionTimeoutMillis: 500 });
}
