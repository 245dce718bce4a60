import type pg from "pg";
import type { Logger } from "../logger";
import { ensureTrigramOps } from "./trigram";

/**
 * A row's names lowercased in one string: what `/user <name>` searches with `LIKE '%word%'`
 * (queries/student-search.ts) and the trigram index below covers. The query spells the very
 * same expression, or PostgreSQL would not use it. lower() follows the database's locale
 * (C.UTF-8 on the embedded server: Cyrillic too). Words are split by spaces, so one never
 * matches across two fields. Bookings need no such index: only the few students `users` lacks
 * are searched there, by their user ids (queries/booked-only.ts).
 */
export const USERS_NAME_TEXT = `lower(coalesce("first_name", '') || ' ' || coalesce("last_name", '') || ' ' || coalesce("username", ''))`;

type SharedIndex = { name: string; table: string; why: string } & (
  | { columns: string }
  /** A GIN index of pg_trgm on this expression: usable by LIKE '%…%'. */
  | { trigram: string }
);

/**
 * Our indexes on the real system's tables, built after the migrations with CREATE INDEX
 * CONCURRENTLY, outside any transaction: on an adopted database of millions of bookings an
 * ordinary CREATE INDEX would hold the real bot's and dashboard's writes for as long as it
 * builds. (That is also why the migrations themselves no longer build them.) Each says what it
 * is for; docs/real-database.md lists them.
 */
export const SHARED_INDEXES: readonly SharedIndex[] = [
  { name: "idx_bookings_created_id", table: "bookings", columns: `("created_at", "id")`, why: "keyset paging of all bookings, newest first" },
  { name: "idx_bookings_status_created_id", table: "bookings", columns: `("confirmed", "created_at", "id")`, why: "each status filter's pages" },
  { name: "idx_bookings_user_created_id", table: "bookings", columns: `("user_id", "created_at", "id")`, why: "a student's bookings (/user) and our one-live-booking check" },
  { name: "idx_bookings_user_status", table: "bookings", columns: `("user_id", "confirmed")`, why: "a student's counts per status" },
  { name: "idx_bookings_course", table: "bookings", columns: `("course_id")`, why: "stats and broadcast audiences per course" },
  { name: "idx_bookings_stream", table: "bookings", columns: `("course_stream")`, why: "stats and broadcast audiences per stream" },
  { name: "idx_bookings_username_lower", table: "bookings", columns: `(lower("username"))`, why: "/user @name for students the users table lacks" },
  { name: "idx_users_username_lower", table: "users", columns: `(lower("username"))`, why: "/user @name" },
  // The real schema has this one already (idx_message_recipients_status); ours is for a database it never saw.
  { name: "idx_message_recipients_message", table: "message_recipients", columns: `("message_id", "delivery_status")`, why: "a broadcast's progress by recipient state" },
  {
    name: "idx_events_booking",
    table: "events",
    // Text, not an integer cast: a cast could fail on an odd row and reject the real bot's insert.
    columns: `(("details" ->> 'booking_id'), "id") WHERE "details" ? 'booking_id'`,
    why: "a booking's history (both bots' events)",
  },
  // An expression index, never unique: no value the real system writes can make it refuse a row.
  { name: "idx_users_name_trgm", table: "users", trigram: USERS_NAME_TEXT, why: "/user <name>: any part of a first name, last name or username" },
];

/**
 * Indexes of earlier versions that a composite one above covers: each only cost the real bot's
 * inserts. (Dropped whoever made them: the composite serves the same lookups.)
 */
export const COVERED_INDEXES = [
  "idx_bookings_user", // by idx_bookings_user_created_id
  "idx_bookings_status", // by idx_bookings_status_created_id
  "idx_bookings_date", // by idx_bookings_created_id
] as const;

type Client = Pick<pg.PoolClient, "query">;

/** `btree (a, b)` as pg_get_indexdef prints it and as we write it, compared without quotes and spaces. */
const normalise = (definition: string) => definition.replace(/["\s]/g, "").toLowerCase();

/** What follows `ON "table"` in CREATE INDEX; `trigramOps` is pg_trgm's operator class, with its schema. */
const definition = (index: SharedIndex, trigramOps: string) =>
  "columns" in index ? `USING btree ${index.columns}` : `USING gin ((${index.trigram}) ${trigramOps})`;

/** Another valid index on the table with the same definition (made by the real system), if any. */
async function equivalent(client: Client, index: SharedIndex, using: string): Promise<string | undefined> {
  const { rows } = await client.query<{ name: string; def: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = $1::regclass AND i.indisvalid AND c.relname <> $2`,
    [index.table, index.name],
  );
  const ours = normalise(using);
  return rows.find((r) => normalise(r.def.slice(r.def.indexOf(" USING "))) === ours)?.name;
}

async function state(client: Client, name: string): Promise<"missing" | "valid" | "invalid"> {
  const { rows } = await client.query<{ valid: boolean }>(
    `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
    [name],
  );
  return rows.length === 0 ? "missing" : rows[0]!.valid ? "valid" : "invalid";
}

/**
 * Builds the missing ones (saying so first, with the table's estimated size, and how long it
 * took) unless the table has the same index already, rebuilds any left invalid by an
 * interrupted concurrent build, and drops the covered ones. The trigram index needs pg_trgm:
 * without it (a managed server that refuses the extension) it is skipped, name search reads
 * the table instead, and a migration note says so (trigram.ts). Runs on a client outside any
 * transaction, under the caller's migration lock.
 */
export async function ensureSharedIndexes(client: Client, logger?: Pick<Logger, "info">): Promise<void> {
  const trigramOps = await ensureTrigramOps(client, logger);
  for (const index of SHARED_INDEXES) {
    if (!("columns" in index) && trigramOps === undefined) continue;
    const using = definition(index, trigramOps ?? "");
    const now = await state(client, index.name);
    const theirs = await equivalent(client, index, using);
    if (theirs) {
      // Two identical indexes only double the cost of the real system's writes: keep theirs.
      if (now !== "missing") {
        await client.query(`DROP INDEX CONCURRENTLY IF EXISTS "${index.name}"`);
        logger?.info({ index: index.name }, `dropped index ${index.name}: ${theirs} is the same`);
      }
      continue;
    }
    if (now === "valid") continue;
    if (now === "invalid") await client.query(`DROP INDEX CONCURRENTLY IF EXISTS "${index.name}"`);
    // reltuples is -1 for a table never analysed; its size on disk still says how long this takes.
    const { rows } = await client.query<{ rows: number; mb: number }>(
      `SELECT reltuples::float8 AS rows, round(pg_relation_size(oid) / 1048576.0)::float8 AS mb FROM pg_class WHERE oid = $1::regclass`,
      [index.table],
    );
    const estimate = rows[0] && rows[0].rows >= 0 ? `~${Math.round(rows[0].rows)} rows` : "rows not counted yet";
    const size = `${rows[0]?.mb ?? 0} MB`;
    logger?.info(
      { index: index.name, table: index.table, rows_estimate: rows[0]?.rows ?? null, table_mb: rows[0]?.mb ?? null },
      `building index ${index.name} on ${index.table} (${estimate}, ${size}) without blocking writes: ${index.why}`,
    );
    const started = Date.now();
    await client.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS "${index.name}" ON "${index.table}" ${using}`);
    logger?.info({ index: index.name, seconds: (Date.now() - started) / 1000 }, `index ${index.name} built`);
  }
  for (const name of COVERED_INDEXES) {
    if ((await state(client, name)) === "missing") continue;
    await client.query(`DROP INDEX CONCURRENTLY IF EXISTS "${name}"`);
    logger?.info({ index: name }, `dropped index ${name}: a composite index covers it`);
  }
}
