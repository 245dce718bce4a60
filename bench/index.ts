/**
 * `npm run bench` — figures for browsing bookings through the real bot, on a throwaway
 * database of the embedded PostgreSQL (or of BENCH_DATABASE_URL / TEST_DATABASE_URL).
 * Options: BENCH_ROWS / --rows (default 100,000), BENCH_REPEAT / --repeat (default 30).
 */
import os from "node:os";
import { parseArgs } from "node:util";
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
const cpus = os.cpus();
process.stdout.write(
  [
    `machine: ${cpus[0]?.model.trim() ?? "?"} · ${cpus.length} cores · ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM · node ${process.version} · ${os.platform()} ${os.release()}`,
    `options: rows ${rows.toLocaleString("en-US")} · repeat ${repeat}`,
    "times: ms, end to end = bot.handleUpdate(real Update) including the fake Bot API's reply over local HTTP",
    "",
  ].join("\n"),
);
await runTarget({ rows, repeat });
