/**
 * `npm run bench` — figures for browsing bookings through the real bot, on in-memory PGlite
 * and (when BENCH_DATABASE_URL or TEST_DATABASE_URL is set) on a throwaway PostgreSQL database.
 * Options: BENCH_ROWS / --rows (default 20,000 on PGlite, 100,000 on PostgreSQL),
 * BENCH_REPEAT / --repeat (default 30), BENCH_TARGETS / --targets (pglite,postgres).
 * Each target runs in its own child process so its memory figures are its own.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runTarget } from "./run-target";

const { values } = parseArgs({
  options: {
    rows: { type: "string" },
    repeat: { type: "string" },
    targets: { type: "string" },
    only: { type: "string" },
  },
});

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw.replace(/_/g, ""));
  if (!Number.isSafeInteger(n) || n < 1) {
    process.stderr.write(`${name} must be a positive whole number, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

const rows = positive("rows", values.rows ?? process.env.BENCH_ROWS);
const repeat = positive("repeat", values.repeat ?? process.env.BENCH_REPEAT) ?? 30;
const pgUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;

if (values.only) {
  // Child: one target.
  const kind = values.only === "postgres" ? "postgres" : "pglite";
  await runTarget({ kind, url: pgUrl, rows: rows ?? (kind === "postgres" ? 100_000 : 20_000), repeat });
} else {
  const wanted = (values.targets ?? process.env.BENCH_TARGETS ?? "pglite,postgres").split(",").map((s) => s.trim());
  const targets = wanted.filter((t) => t === "pglite" || (t === "postgres" && pgUrl));
  const cpus = os.cpus();
  process.stdout.write(
    [
      `machine: ${cpus[0]?.model.trim() ?? "?"} · ${cpus.length} cores · ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM · node ${process.version} · ${os.platform()} ${os.release()}`,
      `options: rows ${rows?.toLocaleString("en-US") ?? "20,000 (PGlite) / 100,000 (PostgreSQL)"} · repeat ${repeat} · targets ${targets.join(", ")}${
        wanted.includes("postgres") && !pgUrl ? " (PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL)" : ""
      }`,
      "times: ms, end to end = bot.handleUpdate(real Update) including the fake Bot API's reply over local HTTP",
      "",
    ].join("\n"),
  );
  const script = fileURLToPath(import.meta.url);
  // Ctrl-C reaches the child too; wait for it to drop its database instead of dying first.
  process.on("SIGINT", () => {});
  let failed = 0;
  for (const target of targets) {
    const started = Date.now();
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [...process.execArgv, script, `--only=${target}`, ...(rows ? [`--rows=${rows}`] : []), `--repeat=${repeat}`], {
        stdio: "inherit",
      });
      child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
    process.stdout.write(`(${target}: ${((Date.now() - started) / 1000).toFixed(0)} s wall${code ? `, FAILED with exit code ${code}` : ""})\n\n`);
    if (code) failed++;
  }
  process.exitCode = failed ? 1 : 0;
}
