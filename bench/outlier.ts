import type { Database } from "../src/db/client";
import { countBookingsByStatus, listBookingsPage } from "../src/db/queries/bookings";
import { findStudent } from "../src/db/queries/students";
import { SHARED_INDEXES, ensureSharedIndexes } from "../src/db/shared-indexes";
import type { BenchBot } from "./browsing";
import { checkPage, pageIds } from "./pages";
import { explainCases, type ExplainCase } from "./sql";
import { ms, now, sample, summarize, timingTable } from "./stats";

export type Outlier = {
  userId: number;
  bookings: number;
  /** Bookings in the table once grown. */
  rows: number;
  growMs: number;
  /** Our indexes on bookings built again (CREATE INDEX CONCURRENTLY), as when adopting such a table. */
  indexes: Array<{ name: string; seconds: number }>;
  vacuumMs: number;
};

/**
 * Grows the table to `rows` bookings the way a live one grows: in time order over the same 180
 * days, by the students the seed made, with one outlier among them whose `bookings` lie
 * scattered over the whole heap (one row in every few hundred), not in one block as a bulk
 * insert would put them. Our indexes on bookings are dropped first and built again after,
 * concurrently and timed, as when the bot adopts a table that size; then VACUUM ANALYZE.
 */
export async function growWithOutlier(database: Database, options: { rows: number; bookings: number }): Promise<Outlier> {
  const [{ n: present = 0, last = "" } = {}] = await database.query<{ n: number; last: string }>(
    "SELECT count(*)::int AS n, max(created_at)::text AS last FROM bookings",
  );
  const adding = options.rows - present;
  if (adding < options.bookings) throw new Error(`the table has ${present} bookings already; cannot grow it to ${options.rows}`);
  const [{ base, students } = { base: 0, students: 0 }] = await database.query<{ base: string; students: number }>(
    "SELECT min(user_id) - 1 AS base, count(*)::int AS students FROM users",
  );
  const userId = Number(base) + students + 1;
  await database.query(
    `INSERT INTO users (user_id, username, first_name, last_name, language_code, first_seen_at, updated_at)
     VALUES ($1, 'outlier_student', 'Выброс', 'Студентов', 'ru', now() - interval '200 days', now())`,
    [userId],
  );
  const byBookings = SHARED_INDEXES.filter((i) => i.table === "bookings");
  for (const index of byBookings) await database.query(`DROP INDEX IF EXISTS "${index.name}"`);

  let started = now();
  const every = Math.floor(adding / options.bookings);
  // Row g of the new ones: the outlier's every `every`-th, else a seeded student picked by a
  // fixed spread; statuses in the seed's proportions (the outlier: 21 live, the rest cancelled).
  await database.query(
    `INSERT INTO bookings (user_id, username, first_name, course_id, course_stream, confirmed, created_at, referral_code, discount_percent)
     SELECT u.user_id, u.username, u.first_name, 1 + g % 3, (ARRAY['3rd_stream', '4th_stream', '5th_stream', '6th_stream', '7th_stream', '8th_stream', 'mentoring'])[1 + g % 7],
            CASE WHEN u.user_id = $1::bigint THEN CASE WHEN g / $2::int < 21 THEN (g / $2::int) % 3 ELSE -1 END
                 ELSE (ARRAY[0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, -1, -1, -1])[1 + (g::bigint * 7919) % 20] END,
            $3::timestamptz - interval '180 days' + (g::float8 / $4::int) * interval '180 days', NULL, 0
     FROM generate_series(0, $4::int - 1) AS g
     JOIN users u ON u.user_id = CASE WHEN g % $2::int = 0 AND g / $2::int < $5::int THEN $1::bigint ELSE $6::bigint + 1 + (g::bigint * 104729) % $7::int END`,
    [userId, every, last, adding, options.bookings, base, students],
  );
  const growMs = now() - started;

  const indexes: Outlier["indexes"] = [];
  const client = await database.pool.connect();
  try {
    await client.query("SET statement_timeout = 0");
    const logger = {
      info: (fields: { index?: string; seconds?: number }) => {
        if (fields.seconds !== undefined) indexes.push({ name: fields.index!, seconds: fields.seconds });
      },
    };
    await ensureSharedIndexes(client, logger as never);
  } finally {
    client.release();
  }
  started = now();
  await database.query("VACUUM (ANALYZE) bookings");
  return { userId, bookings: options.bookings, rows: options.rows, growMs, indexes, vacuumMs: now() - started };
}

/** `/user <id>` of the outlier end to end, each answer checked (its newest bookings, in order), then the three queries behind it alone. */
export async function measureOutlier(b: BenchBot, database: Database, outlier: Outlier, repeat: number) {
  const expected = await pageIds(database, { userId: outlier.userId }, 0, b.pageSize);
  const endToEnd: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = now();
    const message = await b.send(`/user ${outlier.userId}`);
    endToEnd.push(now() - started);
    checkPage(message, expected, 0, `/user ${outlier.userId}`);
  }
  const userId = outlier.userId;
  return [
    { label: `/user <id> (${outlier.bookings.toLocaleString("en-US")} bookings scattered over the heap)`, samples: endToEnd },
    { label: "  the student's header (findStudent)", samples: await sample(repeat, () => findStudent(database.db, { userId })) },
    { label: "  their bookings per status (countBookingsByStatus)", samples: await sample(repeat, () => countBookingsByStatus(database.db, { userId })) },
    { label: "  their first page (listBookingsPage)", samples: await sample(repeat, () => listBookingsPage(database.db, { userId }, { dir: "first" }, b.pageSize)) },
  ];
}

/**
 * An UPDATE that changes nothing on one other booking of each heap page holding the outlier's:
 * those pages are no longer all-visible until the next VACUUM, as after the real system's
 * writes over time or a bulk UPDATE of theirs. (Autovacuum waits for a fifth of the table to
 * change, two million rows here, before it marks them again.)
 */
async function writeBesideOutlier(database: Database, userId: number): Promise<number> {
  const [{ n = 0 } = {}] = await database.query<{ n: number }>(
    `WITH touched AS (
       UPDATE bookings SET discount_percent = discount_percent
       WHERE id IN (SELECT id + 1 FROM bookings WHERE user_id = $1) AND user_id <> $1 RETURNING 1
     ) SELECT count(*)::int AS n FROM touched`,
    [userId],
  );
  return n;
}

/** Issue 17's goal for the outlier's screen at 10,000,000 bookings, end to end. */
export const OUTLIER_GOAL_MS = 50;

/** The outlier section of bench/results/browsing.md: the table grown, `/user <id>` timed before and after writes beside its bookings. */
export async function reportOutlier(
  b: BenchBot,
  database: Database,
  options: { rows: number; bookings: number; repeat: number },
  out: (line?: string) => void,
): Promise<void> {
  const outlier = await growWithOutlier(database, options);
  const n = (x: number) => x.toLocaleString("en-US");
  const seconds = (x: number) => `${x.toFixed(1)} s`;
  const built = outlier.indexes.reduce((sum, i) => sum + i.seconds, 0);
  out();
  out(`== outlier: a student with ${n(outlier.bookings)} bookings among ${n(outlier.rows)} ==`);
  out(
    `setup: grown in time order in ${seconds(outlier.growMs / 1000)} · our ${outlier.indexes.length} indexes on bookings built again concurrently in ${seconds(built)} ` +
      `(${outlier.indexes.map((i) => `${i.name} ${seconds(i.seconds)}`).join(", ")}) · VACUUM ANALYZE ${seconds(outlier.vacuumMs / 1000)}`,
  );
  const goal = (rows: Array<{ samples: number[] }>) => {
    const p95 = summarize(rows[0]!.samples).p95;
    return `p95 ${ms(p95)} ms, goal < ${OUTLIER_GOAL_MS} ms: ${p95 < OUTLIER_GOAL_MS ? "PASS" : "FAIL"}`;
  };
  const counts: ExplainCase = { label: "their bookings per status", run: (db) => countBookingsByStatus(db, { userId: outlier.userId }) };

  const vacuumed = await measureOutlier(b, database, outlier, options.repeat);
  out(`after VACUUM, the state autovacuum leaves a table in · ${goal(vacuumed)}`);
  out(timingTable("case", vacuumed));
  out(await explainCases(database, [counts]));

  const touched = await writeBesideOutlier(database, outlier.userId);
  const written = await measureOutlier(b, database, outlier, options.repeat);
  out();
  out(`after a write beside each of its bookings (${n(touched)} rows updated, no VACUUM since) · ${goal(written)}`);
  out(timingTable("case", written));
  out(await explainCases(database, [counts]));
}
