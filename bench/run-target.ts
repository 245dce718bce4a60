import { createBenchBot, measureBrowsing, measureStats, pageThrough } from "./browsing";
import { checkPage, pageIds } from "./pages";
import { compareOffsetKeyset, explainListQueries, measureAppendOrdered } from "./sql";
import { int, mb, memory, ms, summarize, timingTable } from "./stats";
import { reportOutlier } from "./outlier";
import { reportSearch } from "./search";
import { benchTarget, setUp } from "./targets";

const HEAVY_BOOKINGS = 2000;
/** Issue 17's outlier: this many bookings of one student, scattered over `outlierRows`. */
const OUTLIER_BOOKINGS = 20_000;
/** Issue 12's goal for the /stats chart at 1,000,000 bookings, end to end. */
const STATS_GOAL_MS = 300;
/** Paging through the whole table of a large seed would take long and say nothing new. */
const PG_PAGE_THROUGH = 2000;

const progress = (text: string) => process.stderr.write(`  … ${text}\n`);

/** Runs every case on a throwaway database; `head` gets the server's version before the first figure. */
export async function runTarget(options: {
  rows: number;
  repeat: number;
  /** Students (users rows) the seed makes. */
  users: number;
  /** Bookings the table grows to for the outlier's case at the end; 0 leaves it out. */
  outlierRows: number;
  out: (line?: string) => void;
  head: (postgres: string) => void;
}): Promise<void> {
  const { rows, repeat, out } = options;
  const start = memory();
  const target = await benchTarget();
  const { database } = target;
  // Ctrl-C: still drop the throwaway database.
  const onSignal = () => void target.dispose().finally(() => process.exit(130));
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  const opened = memory();
  try {
    options.head(target.name);
    out(`== ${int(rows)} bookings ==`);
    progress(`seeding ${int(rows)} bookings`);
    const setup = await setUp(database, rows, HEAVY_BOOKINGS, options.users);
    const inserted = rows + setup.students;
    out(
      `setup: migrate ${ms(setup.migrateMs)} ms · seed ${int(rows)} bookings + ${int(setup.students)} students in ${(setup.seedMs / 1000).toFixed(1)} s ` +
        `(${int(inserted / (setup.seedMs / 1000))} rows/s) · heavy student +${setup.heavy.bookings} in ${ms(setup.heavyMs)} ms` +
        ` · VACUUM ANALYZE ${ms(setup.analyzeMs)} ms`,
    );
    await new Promise((r) => setTimeout(r, 500));
    const idle = memory();

    const b = await createBenchBot(database);
    const total = rows + HEAVY_BOOKINGS;
    const deepPage = Math.max(2, Math.min(5000, Math.floor(total / b.pageSize) - 1));
    // Warm-up (JIT, connection pool, plan caches), not measured.
    for (let i = 0; i < 5; i++) await b.press(await b.send("/bookings"), "Старше ▶");

    progress("browsing through the bot");
    const browsing = await measureBrowsing(b, database, { repeat, rows: total, heavy: setup.heavy, deepPage });
    out();
    out(
      `bot, end to end (page size ${b.pageSize}; page 50 by presses starts at row ${int(browsing.reached.page50Offset)}; deep pages ${int(browsing.reached.deepPages.at(-1)!)}–${int(deepPage)}, one anchor each)`,
    );
    out(`every answer checked against the database (the bookings shown, their order and position): ${int(browsing.checked)} answers`);
    out(timingTable("case", browsing.rows));

    progress("/stats with its chart");
    const stats = await measureStats(b, database, repeat);
    const p95 = summarize(stats[0]!.samples).p95;
    out();
    out(`/stats, end to end, every answer a PNG whose caption has the table's total · goal p95 < ${STATS_GOAL_MS} ms: ${p95 < STATS_GOAL_MS ? "PASS" : "FAIL"}`);
    out(timingTable("case", stats));

    progress("LIMIT/OFFSET vs keyset");
    const cmp = await compareOffsetKeyset(database, { repeat, pageSize: b.pageSize, pages: [50, deepPage] });
    out();
    out("queries alone (no bot)");
    out(timingTable("query", cmp.rows));
    out(cmp.ratios.map((r) => `offset/keyset at page ${int(r.page)}: ${(r.offset / r.keyset).toFixed(1)}× (p50 ${ms(r.offset)} vs ${ms(r.keyset)} ms)`).join(" · "));

    progress("EXPLAIN ANALYZE");
    out();
    out("EXPLAIN ANALYZE of the list queries (as the query layer sends them)");
    out(await explainListQueries(database, { pageSize: b.pageSize, heavy: setup.heavy, deepPage }));

    const limit = PG_PAGE_THROUGH;
    progress(`paging through at most ${limit} pages`);
    const walk = await pageThrough(b, database, limit);
    const w = summarize(walk.samples);
    out();
    out(
      `paging with "Старше ▶": ${int(walk.pages)} pages${walk.reachedEnd ? " (the whole table)" : ""}, each checked, in ${walk.seconds.toFixed(1)} s · ` +
        `per press p50 ${ms(w.p50)} · p95 ${ms(w.p95)} · max ${ms(w.max)} ms`,
    );
    out(
      `memory (this process): RSS at start ${mb(start.rss)} · database opened ${mb(opened.rss)} · idle after setup ${mb(idle.rss)} (JS heap ${mb(idle.heap)}) · before paging ${mb(walk.before.rss)} · ` +
        `after paging ${mb(walk.after.rss)} (JS heap ${mb(walk.after.heap)})` +
        " — the PostgreSQL server's memory is not (npm run bench:memory measures it)",
    );

    progress("/user <name>");
    await reportSearch(b, database, repeat, out);

    progress("heap in time order (CLUSTER)");
    const pages = [2, 50, deepPage];
    const ordered = await measureAppendOrdered(database, { repeat, pageSize: b.pageSize, pages });
    const [first, second] = [await pageIds(database, {}, 0, b.pageSize), await pageIds(database, {}, b.pageSize, b.pageSize)];
    let msg = await b.send("/bookings");
    const page2: number[] = [];
    for (let r = 0; r < repeat; r++) {
      const t = performance.now();
      msg = await b.press(msg, "Старше ▶");
      page2.push(performance.now() - t);
      checkPage(msg, second, b.pageSize, "page 2 (after CLUSTER)");
      msg = await b.press(msg, "◀ Новее");
      checkPage(msg, first, 0, "page 1 (after CLUSTER)");
    }
    out();
    out(
      `heap rewritten in created_at order, as a live table grows (CLUSTER + VACUUM ANALYZE ${ms(ordered.clusterMs)} ms)`,
    );
    out(timingTable("case", [{ label: 'bot: press "Старше ▶" → page 2', samples: page2 }, ...ordered.rows]));
    if (ordered.plan) out(ordered.plan);
    if (options.outlierRows > 0) {
      progress(`growing the table to ${int(options.outlierRows)} bookings with an outlier of ${int(OUTLIER_BOOKINGS)}`);
      await reportOutlier(b, database, { rows: options.outlierRows, bookings: OUTLIER_BOOKINGS, repeat }, out);
    }
    await b.api.close();
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await target.dispose();
  }
}
