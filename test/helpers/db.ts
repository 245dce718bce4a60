import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { openPglite, openPostgres, type Database } from "../../src/db/client";
import { MIGRATIONS_FOLDER, runMigrations } from "../../src/db/migrate";

/** "postgres" when the suite runs in the PostgreSQL project (TEST_DATABASE_URL set), else "pglite". */
export const TEST_DB_KIND: "pglite" | "postgres" = process.env.TEST_DB === "postgres" ? "postgres" : "pglite";

export type TestDatabase = Database & { url?: string; dispose(): Promise<void> };

/**
 * A fresh, empty database per call: in-memory PGlite, or a new PostgreSQL database created
 * next to TEST_DATABASE_URL (files run in parallel, so they never share tables).
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const database = TEST_DB_KIND === "postgres" ? await createPostgresDatabase() : await pgliteDatabase();
  if (options.migrate !== false) await runMigrations(database);
  return database;
}

async function pgliteDatabase(): Promise<TestDatabase> {
  const database = await openPglite();
  return Object.assign(database, { dispose: () => database.close() });
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DB=postgres needs TEST_DATABASE_URL");
  return url;
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const base = new URL(adminUrl());
  const name = `bot_test_${randomBytes(6).toString("hex")}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), { max: 5 });
  return Object.assign(database, {
    url: url.toString(),
    dispose: async () => {
      await database.close();
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  });
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Raw SQL for tests that must bypass the query layer (legacy tables, fixtures). */
export async function rawQuery(database: Database, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (database.kind === "pglite") return (await database.client.query<Record<string, unknown>>(text, params)).rows;
  return (await database.pool.query(text, params)).rows;
}

export async function rawExec(database: Database, text: string): Promise<void> {
  if (database.kind === "pglite") await database.client.exec(text);
  else await database.pool.query(text);
}

/** How many migrations drizzle/ holds (its journal), to check that each applied exactly once. */
export function migrationCount(): number {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
  return journal.entries.length;
}

/** A database nobody answers for (port 1 refuses at once): for "database down" tests. */
export function unreachableDatabase() {
  return openPostgres("postgres://postgres@127.0.0.1:1/none", { connectionTimeoutMillis: 500 });
}
