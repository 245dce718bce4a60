import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { Database, Db } from "../src/db/client";
import { countBookingsByStatus, listBookingsPage, type BookingScope, type PageAnchor } from "../src/db/queries/bookings";
import * as schema from "../src/db/schema";
import { anchorsBefore, pagesNear } from "./pages";
import { sample } from "./stats";
import type { Heavy } from "./targets";

/** The same page with LIMIT/OFFSET: same joins, same order, the extra row as the keyset query has. */
const OFFSET_PAGE = `SELECT b.*, c.name AS course_name, s.title AS stream_title
  FROM bookings b
  LEFT JOIN courses c ON c.id = b.course_id
  LEFT JOIN streams s ON s.code = b.course_stream
  ORDER BY b.created_at DESC, b.id DESC
  LIMIT $1 OFFSET $2`;

export type QueryRow = { label: string; samples: number[] };

const n = (x: number) => x.toLocaleString("en-US");
const band = (pages: number[]) => (pages.length > 1 ? `pages ${n(pages.at(-1)!)}–${n(pages[0]!)}` : `page ${n(pages[0]!)}`);

/** The anchor of one page (the last row before it). */
const anchorOf = async (database: Database, page: number, pageSize: number, scope = {}) => (await anchorsBefore(database, [page], pageSize, scope)).get(page)!;

/**
 * Deep pages by OFFSET and by keyset (listBookingsPage), each sample a different page near the
 * one named (pagesNear), plus the counts query every list view runs.
 */
export async function compareOffsetKeyset(
  database: Database,
  options: { repeat: number; pageSize: number; pages: number[] },
): Promise<{ rows: QueryRow[]; ratios: Array<{ page: number; offset: number; keyset: number }> }> {
  const { repeat, pageSize } = options;
  const rows: QueryRow[] = [];
  const pairs: Array<{ page: number; offset: number[]; keyset: number[] }> = [];
  for (const page of options.pages) {
    const pages = pagesNear(page, repeat);
    const anchors = await anchorsBefore(database, pages, pageSize);
    const offset = await sample(pages.length, (i) => database.query(OFFSET_PAGE, [pageSize + 1, (pages[i]! - 1) * pageSize]));
    const keyset = await sample(pages.length, (i) => listBookingsPage(database.db, {}, { dir: "older", id: anchors.get(pages[i]!)! }, pageSize));
    rows.push({ label: `${band(pages)}: LIMIT/OFFSET`, samples: offset });
    rows.push({ label: `${band(pages)}: keyset (listBookingsPage)`, samples: keyset });
    pairs.push({ page, offset, keyset });
  }
  rows.push({ label: "page 1: keyset (listBookingsPage)", samples: await sample(repeat, () => listBookingsPage(database.db, {}, { dir: "first" }, pageSize)) });
  rows.push({ label: "status counts, all (countBookingsByStatus)", samples: await sample(repeat, () => countBookingsByStatus(database.db, {})) });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const ratios = pairs.map((p) => ({ page: p.page, offset: median(p.offset), keyset: median(p.keyset) }));
  return { rows, ratios };
}

type Captured = { sql: string; params: unknown[] };

/** A Drizzle instance on the same connection(s) that records the SQL the query layer sends. */
function capturingDb(database: Database, into: Captured[]): Db {
  const logger = { logQuery: (sql: string, params: unknown[]) => void into.push({ sql, params }) };
  return drizzlePg(database.pool, { schema, logger }) as unknown as Db;
}

/**
 * EXPLAIN ANALYZE of every statement the main list queries send, condensed to plan nodes
 * (costs dropped, actual times kept) and the index conditions, so index use shows.
 */
export async function explainListQueries(
  database: Database,
  options: { pageSize: number; heavy: Heavy; deepPage: number },
): Promise<string> {
  const { pageSize, heavy } = options;
  const deepAnchor = await anchorOf(database, options.deepPage, pageSize);
  const cases: ExplainCase[] = [
    { label: "first page, all", run: (db) => listBookingsPage(db, {}, { dir: "first" }, pageSize) },
    { label: "first page, status 1 (pending)", run: (db) => listBookingsPage(db, { status: 1 }, { dir: "first" }, pageSize) },
    {
      label: `older than anchor (page ${options.deepPage}), all`,
      run: (db) => listBookingsPage(db, {}, { dir: "older", id: deepAnchor } satisfies PageAnchor, pageSize),
    },
    {
      label: "older than anchor (page 50), status 2 (confirmed)",
      run: async (db) => listBookingsPage(db, { status: 2 }, { dir: "older", id: await anchorOf(database, 50, pageSize, { status: 2 }) }, pageSize),
    },
    { label: `one student's first page (${heavy.bookings} bookings)`, run: (db) => listBookingsPage(db, { userId: heavy.userId } satisfies BookingScope, { dir: "first" }, pageSize) },
    { label: "status counts, all", run: (db) => countBookingsByStatus(db, {}) },
    { label: "status counts, one student", run: (db) => countBookingsByStatus(db, { userId: heavy.userId }) },
  ];
  return explainCases(database, cases, ["page", "has-newer check"]);
}

export type ExplainCase = { label: string; run: (db: Db) => Promise<unknown> };

/** EXPLAIN ANALYZE of every statement each case sends, condensed; a case of several statements names them by `names`. */
export async function explainCases(database: Database, cases: ExplainCase[], names: string[] = []): Promise<string> {
  const out: string[] = [];
  for (const c of cases) {
    const captured: Captured[] = [];
    await c.run(capturingDb(database, captured));
    for (const [i, q] of captured.entries()) {
      const plan = await database.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS OFF) ${q.sql}`, q.params);
      const suffix = captured.length > 1 ? ` [${i + 1}/${captured.length}${names[i] ? `: ${names[i]}` : ""}]` : "";
      out.push(`-- ${c.label}${suffix}`);
      out.push(...condense(plan.map((r) => r["QUERY PLAN"])));
    }
  }
  return out.join("\n");
}

function condense(lines: string[]): string[] {
  const keep: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (/^(Index Cond|Recheck Cond|Filter|Hash Cond|Join Filter):/.test(trimmed) || /^(->|[A-Z][A-Za-z ]+ (on|using)|Limit|Aggregate|Sort|Hash|Nested Loop|Seq Scan|Finalize|Gather|Result|InitPlan|SubPlan|HashAggregate|GroupAggregate|WindowAgg|Unique|Append|Incremental Sort)/.test(trimmed)) {
      keep.push(
        "   " +
          line
            .replace(/\s*\(cost=[^)]*\)/, "")
            // PostgreSQL 18 writes rows=21.00.
            .replace(/\(actual time=[\d.]+\.\.([\d.]+) rows=([\d.]+) loops=(\d+)\)/, (_m, t, r, l) => `(${t} ms, rows=${r.replace(/\.00$/, "")}${l === "1" ? "" : ` loops=${l}`})`)
            .replace(/::(timestamp with time zone|text|integer|bigint)/g, "")
            .slice(0, 150),
      );
    } else if (/^(Rows Removed by Filter|Rows Removed by Index Recheck|Heap Fetches|Heap Blocks):/.test(trimmed)) {
      keep.push("   " + line.slice(0, 150));
    } else if (/^Execution Time:/.test(trimmed)) {
      keep.push(`   ${trimmed}`);
    }
  }
  return keep;
}

/**
 * The demo seed writes bookings in random time order; a live table grows in time order. This
 * rewrites the heap in (created_at, id) order (CLUSTER) and times the list pages again: plans
 * that scan the heap from its start (a LIMIT 1 seq scan with a filter) behave very differently.
 */
export async function measureAppendOrdered(
  database: Database,
  options: { repeat: number; pageSize: number; pages: number[] },
): Promise<{ clusterMs: number; rows: QueryRow[]; plan?: string }> {
  const started = performance.now();
  await database.query("CLUSTER bookings USING idx_bookings_created_id");
  // CLUSTER clears the visibility map; vacuum restores it as autovacuum would.
  await database.query("VACUUM (ANALYZE) bookings");
  const clusterMs = performance.now() - started;
  const rows: QueryRow[] = [];
  let plan: string | undefined;
  for (const page of options.pages) {
    // Page 2 has one anchor only (the last row of page 1); deeper pages get one per sample.
    const pages = page === 2 ? [2] : pagesNear(page, options.repeat);
    const anchors = await anchorsBefore(database, pages, options.pageSize);
    const anchorAt = (i: number) => anchors.get(pages[i % pages.length]!)!;
    rows.push({
      label: `${band(pages)}: keyset (listBookingsPage)`,
      samples: await sample(options.repeat, (i) => listBookingsPage(database.db, {}, { dir: "older", id: anchorAt(i) }, options.pageSize)),
    });
    const anchor = anchorAt(0);
    if (page === options.pages[0]) {
      const captured: Captured[] = [];
      await listBookingsPage(capturingDb(database, captured), {}, { dir: "older", id: anchor }, options.pageSize);
      const check = captured[1];
      if (!check) throw new Error("listBookingsPage sent no has-newer check");
      rows.push({
        label: `page ${page}: its has-newer check alone`,
        samples: await sample(options.repeat, () => database.query(check.sql, check.params)),
      });
      const lines = await database.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS OFF) ${check.sql}`, check.params);
      plan = [`-- has-newer check of page ${page}`, ...condense(lines.map((r) => r["QUERY PLAN"]))].join("\n");
    }
  }
  return { clusterMs, rows, plan };
}
