import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../src/db/client";
import { runMigrations } from "../../src/db/migrate";
import { createTestDatabase, migrationCount, rawQuery, type TestDatabase } from "../helpers/db";

describe("migrations", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.dispose());

  it("creates the tables and fills stream titles", async () => {
    const rows = await rawQuery(database, "SELECT code, title FROM streams ORDER BY code");
    expect(rows).toContainEqual({ code: "3rd_stream", title: "3-й поток" });
    expect(rows).toContainEqual({ code: "mentoring", title: "Менторинг" });
  });

  it("can run again without changing anything", async () => {
    await runMigrations(database);
    const rows = await rawQuery(database, "SELECT count(*)::int AS n FROM streams");
    expect(rows[0]).toEqual({ n: 7 });
  });
});

// Two bot processes starting at the same moment against one empty database.
describe("migrations started concurrently", () => {
  async function applied(url: string): Promise<{ migrations: number; streams: number }> {
    const check = openPostgres(url, { max: 1 });
    try {
      const [m] = (await check.pool.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations")).rows;
      const [s] = (await check.pool.query("SELECT count(*)::int AS n FROM streams")).rows;
      return { migrations: m.n, streams: s.n };
    } finally {
      await check.close();
    }
  }

  it("both succeed on separate pools, and the schema is applied once", async () => {
    const database = await createTestDatabase({ migrate: false });
    const processes = [openPostgres(database.url, { max: 2 }), openPostgres(database.url, { max: 2 }), openPostgres(database.url, { max: 2 })];
    try {
      const results = await Promise.allSettled(processes.map((p) => runMigrations(p)));
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      expect(await applied(database.url)).toEqual({ migrations: migrationCount(), streams: 7 });
    } finally {
      await Promise.all(processes.map((p) => p.close()));
      await database.dispose();
    }
  });

  it("waits while another process holds the migration lock", async () => {
    const database = await createTestDatabase({ migrate: false });
    const other = new pg.Client({ connectionString: database.url });
    const starter = openPostgres(database.url, { max: 2 });
    await other.connect();
    try {
      // The key every process of this bot agrees on (src/db/migrate.ts, MIGRATION_LOCK_KEY).
      await other.query("SELECT pg_advisory_lock(727001)");
      let done = false;
      const migrating = runMigrations(starter).then(() => {
        done = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(done).toBe(false);
      expect((await other.query("SELECT to_regclass('public.streams') AS t")).rows[0]).toEqual({ t: null });

      await other.query("SELECT pg_advisory_unlock(727001)");
      await migrating;
      expect(await applied(database.url)).toEqual({ migrations: migrationCount(), streams: 7 });
    } finally {
      await other.end();
      await starter.close();
      await database.dispose();
    }
  });
});
