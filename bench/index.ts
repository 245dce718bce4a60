/**
 * `npm run bench` — figures for browsing bookings through the real bot, on a throwaway
 * database of the embedded PostgreSQL (or of BENCH_DATABASE_URL / TEST_DATABASE_URL).
 * Options: BENCH_ROWS / --rows (default 100,000), BENCH_REPEAT / --repeat (default 30),
 * BENCH_USERS / --users (students; default a tenth of the rows), BENCH_OUTLIER_ROWS /
 * --outlier-rows (the table grown to this for a student of 20,000 bookings at the end;
 * default 10,000,000, 0 leaves it out). Every
 * answer the bot gives is checked against the database; the output is kept in
 * bench/results/browsing.md.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { resultsHead, writeResults } from "./results";
import { runTarget } from "./run-target";

const { values } = parseArgs({
  options: { rows: { type: "string" }, repeat: { type: "string" }, users: { type: "string" }, "outlier-rows": { type: "string" } },
});

function wholeNumber(name: string, raw: string | undefined, least = 1): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw.replace(/_/g, ""));
  if (!Number.isSafeInteger(n) || n < least) {
    process.stderr.write(`${name} must be a whole number of at least ${least}, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

const rows = wholeNumber("rows", values.rows ?? process.env.BENCH_ROWS) ?? 100_000;
const repeat = wholeNumber("repeat", values.repeat ?? process.env.BENCH_REPEAT) ?? 30;
const users = wholeNumber("users", values.users ?? process.env.BENCH_USERS) ?? Math.ceil(rows / 10);
const outlierRows = wholeNumber("outlier-rows", values["outlier-rows"] ?? process.env.BENCH_OUTLIER_ROWS, 0) ?? 10_000_000;
const loadBefore = os.loadavg();
const body: string[] = [];
const out = (line = "") => {
  body.push(line);
  process.stdout.write(`${line}\n`);
};
let postgres = "?";
await runTarget({
  rows,
  repeat,
  users,
  outlierRows,
  out,
  head: (name) => {
    postgres = name.replace(/^PostgreSQL /, "");
    const n = (x: number) => x.toLocaleString("en-US");
    out(`options: rows ${n(rows)} · users ${n(users)} · outlier rows ${n(outlierRows)} · repeat ${repeat} · ${os.platform()} ${os.release()}`);
    out("times: ms, end to end = bot.handleUpdate(real Update) including the fake Bot API's reply over local HTTP");
    out("");
    out("```");
  },
});
out("```");
// The head last, so that the load average "at the end" is.
const head = resultsHead("bench (browsing)", postgres, loadBefore);
process.stdout.write(`\n${head.join("\n")}\n`);
writeResults("browsing", [...head, ...body]);
