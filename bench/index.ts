/**
 * `npm run bench` — figures for browsing bookings through the real bot, on a throwaway
 * database of the embedded PostgreSQL (or of BENCH_DATABASE_URL / TEST_DATABASE_URL).
 * Options: BENCH_ROWS / --rows (default 100,000), BENCH_REPEAT / --repeat (default 30). Every
 * answer the bot gives is checked against the database; the output is kept in
 * bench/results/browsing.md.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { resultsHead, writeResults } from "./results";
import { runTarget } from "./run-target";

const { values } = parseArgs({ options: { rows: { type: "string" }, repeat: { type: "string" } } });

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw.replace(/_/g, ""));
  if (!Number.isSafeInteger(n) || n < 1) {
    process.stderr.write(`${name} must be a positive whole number, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

const rows = positive("rows", values.rows ?? process.env.BENCH_ROWS) ?? 100_000;
const repeat = positive("repeat", values.repeat ?? process.env.BENCH_REPEAT) ?? 30;
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
  out,
  head: (name) => {
    postgres = name.replace(/^PostgreSQL /, "");
    out(`options: rows ${rows.toLocaleString("en-US")} · repeat ${repeat} · ${os.platform()} ${os.release()}`);
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
