import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPostgres, type Database } from "../src/db/client";
import { runMigrations } from "../src/db/migrate";
import { seedDemoData } from "../src/db/seed";
import { benchServer } from "./server";
import { now } from "./stats";

export type Target = { name: string; database: Database; url?: string; dispose(): Promise<void> };

/** Dispose may be called by Ctrl-C and by the normal path at once; the work happens once. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/** A fresh database on the bench server (benchServer), dropped at the end with the server: nothing real is touched. */
export async function benchTarget(prefix = "bench"): Promise<Target> {
  const server = await benchServer();
  try {
    const target = await postgresTarget(server.adminUrl, prefix);
    return { ...target, name: `${target.name}, ${server.label}`, dispose: once(() => target.dispose().finally(() => server.stop())) };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** A fresh database next to `adminUrl`, dropped at the end: nothing real is touched. */
export async function postgresTarget(adminUrl: string, prefix = "bench"): Promise<Target> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // Generous statement timeout: the bench measures slow queries rather than cutting them off.
  const database = openPostgres(url.toString(), { max: 10, statement_timeout: 600_000 });
  const version = (await database.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]?.v ?? "?";
  return {
    name: `PostgreSQL ${version} (database ${name})`,
    database,
    url: url.toString(),
    dispose: once(async () => {
      await database.close();
      await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }),
  };
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export type Heavy = { userId: number; username: string; bookings: number };

export type Setup = {
  migrateMs: number;
  seedMs: number;
  students: number;
  /** Set when the seed needed help to satisfy the schema (a bug to report, not to hide). */
  heavy: Heavy;
  heavyMs: number;
  analyzeMs: number;
};

/**
 * Migrations, demo data, and one heavy student (the worst case of `/user`). On PostgreSQL the
 * table is then vacuumed and analysed, the state autovacuum reaches on a live server soon after
 * such a load.
 */
export async function setUp(database: Database, rows: number, heavyBookings: number, students?: number): Promise<Setup> {
  let t = now();
  await runMigrations(database);
  const migrateMs = now() - t;

  const { seeded, seedMs } = await seed(database, rows, students);

  t = now();
  const heavy = await addHeavyStudent(database, heavyBookings);
  const heavyMs = now() - t;

  t = now();
  await database.query("VACUUM (ANALYZE) bookings");
  await database.query("ANALYZE users");
  const analyzeMs = now() - t;
  return { migrateMs, seedMs, students: seeded.students, heavy, heavyMs, analyzeMs };
}

const SEED_OPTIONS = { seed: 42, now: new Date("2026-11-01T09:00:00Z") };

async function seed(database: Database, rows: number, students?: number) {
  const t = now();
  const seeded = await seedDemoData(database, { ...SEED_OPTIONS, bookings: rows, ...(students === undefined ? {} : { students }) });
  return { seeded, seedMs: now() - t };
}

async function addHeavyStudent(database: Database, count: number): Promise<Heavy> {
  const [{ id } = { id: 0 }] = await database.query<{ id: string }>("SELECT max(user_id) + 1 AS id FROM users");
  const userId = Number(id);
  const username = "heavy_student";
  await database.query(
    `INSERT INTO users (user_id, username, first_name, last_name, language_code, first_seen_at, updated_at)
     VALUES ($1, $2, 'Тяжёлый', 'Студент', 'ru', now() - interval '200 days', now())`,
    [userId, username],
  );
  // Spread over the same 180 days as the demo data. One live booking per course and stream at
  // most (3 courses × 7 streams, new / pending / confirmed); every other one is cancelled.
  await database.query(
    `INSERT INTO bookings (user_id, username, first_name, course_id, course_stream, confirmed, created_at, referral_code, discount_percent)
     SELECT $1, $2, 'Тяжёлый', 1 + i % 3, streams[1 + i % 7], CASE WHEN i < 21 THEN i % 3 ELSE -1 END,
            timestamptz '2026-11-01 09:00:00Z' - (i * (180 * 86400.0 / $3)) * interval '1 second', NULL, 0
     FROM generate_series(0, $3::int - 1) AS i,
          (SELECT ARRAY['3rd_stream', '4th_stream', '5th_stream', '6th_stream', '7th_stream', '8th_stream', 'mentoring']) AS s(streams)`,
    [userId, username, count],
  );
  return { userId, username, bookings: count };
}
