import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../src/db/client";
import { runMigrations } from "../../src/db/migrate";
import { SHARED_INDEXES } from "../../src/db/shared-indexes";
import type { Logger } from "../../src/logger";
import { createTestDatabase, migrationCount, rawExec, rawQuery, type TestDatabase } from "../helpers/db";
import { REAL_SCHEMA } from "../helpers/real-system";
import { captureLogs } from "../helpers/harness";
import {  } from "../delivery/helpers";
import { eventually } from "../helpers/eventually";

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
      const logs = captureLogs();
      const migrating = runMigrations(starter, { logger: logs.logger }).then(() => {
        done = true;
      });
      // It says it waits (after trying the lock), and waits.
      await eventually("it says it waits", () => logs.lines.some((l) => l.msg === "another process is migrating the database; waiting for it"));
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

// Adopting a large database: the operator sees what happens, and the real system's writes
// never wait for an index build.
describe("migrating an adopted database", () => {
  it("says each migration and each index build (with the row estimate), and builds on shared tables concurrently", async () => {
    const database = await createTestDatabase({ migrate: false });
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    try {
      await rawExec(database, REAL_SCHEMA);
      await rawExec(
        database,
        `INSERT INTO courses (name, button_text) VALUES ('Курс', 'x');
         INSERT INTO bookings (user_id, course_id, course_stream) SELECT 1000 + g % 700, 1, '4th_stream' FROM generate_series(1, 5000) g;
         ANALYZE bookings;`,
      );
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string } | undefined)?.text;
        if (text) sent.push(text);
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof query;
      const lines: string[] = [];
      const logger = { info: (a: unknown, b?: string) => void lines.push(typeof a === "string" ? a : String(b)) } as unknown as Pick<Logger, "info">;
      await runMigrations(database, { logger });

      expect(lines[0]).toBe("applying migration 0000_init: Idempotent on purpose: pointed at the real booking service's database (which already has");
      expect(lines.filter((l) => l.startsWith("applying migration "))).toHaveLength(migrationCount());
      expect(lines).toContain(`applied ${migrationCount()} migration(s)`);
      expect(lines).toContain(
        "building index idx_bookings_created_id on bookings (~5000 rows, 0 MB) without blocking writes: keyset paging of all bookings, newest first",
      );
      expect(lines).toContain("index idx_bookings_created_id built");

      const builds = sent.filter((s) => /^\s*CREATE (UNIQUE )?INDEX/i.test(s) && /ON "?(bookings|users|events|courses|referral_\w+|message_\w+|blocked_users)"? /i.test(s));
      // All but one: the real schema has idx_message_recipients_status, the same as ours.
      expect(builds).toHaveLength(SHARED_INDEXES.length - 1);
      expect(builds.join("\n")).not.toContain("idx_message_recipients_message");
      for (const build of builds) expect(build).toMatch(/^CREATE INDEX CONCURRENTLY/);
    } finally {
      pg.Client.prototype.query = query;
      await database.dispose();
    }
  });
});

// 0009: the real bot's free-lesson registrations, which /workshops only reads.
describe("the free-lesson registrations table", () => {
  /** The table as the catalog describes it: columns (type, default, null), constraints, indexes. */
  async function shape(database: TestDatabase) {
    return {
      columns: await rawQuery(
        database,
        `SELECT column_name, data_type, character_maximum_length, column_default, is_nullable FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = 'free_lesson_registrations' ORDER BY ordinal_position`,
      ),
      constraints: await rawQuery(database, "SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'free_lesson_registrations'::regclass ORDER BY 1"),
      indexes: await rawQuery(database, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'free_lesson_registrations' ORDER BY 1"),
    };
  }

  it("is created where missing exactly as the real system has it, and left as it is where it exists", async () => {
    const real = await createTestDatabase({ migrate: false });
    const ours = await createTestDatabase();
    try {
      await rawExec(real, REAL_SCHEMA);
      const theirs = await shape(real);
      expect(theirs.columns).toHaveLength(9);
      expect(await shape(ours)).toEqual(theirs);
      await runMigrations(real);
      expect(await shape(real)).toEqual(theirs);
    } finally {
      await Promise.all([real.dispose(), ours.dispose()]);
    }
  });
});
