/**
 * `npm run bench:memory` — the real bot process (`npm start`'s build, dist/main.js) against a
 * PostgreSQL database of BENCH_ROWS bookings (default 1,000,000): its RSS idle, then after
 * paging through every booking with "Older ▶" presses, fed through long polling from a fake
 * Bot API. Needs BENCH_DATABASE_URL or TEST_DATABASE_URL (a throwaway database is made there).
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Update } from "grammy/types";
import { packList } from "../src/bot/callback-data";
import { runMigrations } from "../src/db/migrate";
import { seedDemoData } from "../src/db/seed";
import { FakeTelegram } from "../test/helpers/fake-telegram";
import { callbackUpdate, messageUpdate, ADMIN } from "../test/helpers/updates";
import { postgresTarget } from "./targets";

const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
if (!url) {
  process.stdout.write("bench:memory needs BENCH_DATABASE_URL or TEST_DATABASE_URL\n");
  process.exit(0);
}
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PAGE = 20;

const target = await postgresTarget(url);
const api = await FakeTelegram.start();
let child: ReturnType<typeof spawn> | undefined;
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child!.pid}/status`, "utf8"))![1]) / 1024;
const until = async (what: string, probe: () => boolean, ms = 600_000) => {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

try {
  await runMigrations(target.database);
  let t = performance.now();
  await seedDemoData(target.database, { bookings: rows, seed: 42 });
  await target.database.query("VACUUM (ANALYZE) bookings");
  process.stdout.write(`seeded ${rows.toLocaleString("en-US")} bookings in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  // Every page boundary of the newest-first list: the bot is then fed one press per page.
  const anchors = await target.database.query<{ id: number; rn: string }>(
    `SELECT id, rn FROM (SELECT id, row_number() OVER (ORDER BY created_at DESC, id DESC) AS rn FROM bookings) b WHERE rn % ${PAGE} = 0 ORDER BY rn`,
  );

  execFileSync("npm", ["run", "-s", "prestart"], { stdio: "inherit" });
  child = spawn(process.execPath, ["dist/main.js"], {
    env: {
      PATH: process.env.PATH,
      BOT_TOKEN: "123456:BENCH-token-0123456789abcdef",
      ADMIN_IDS: String(ADMIN.id),
      DATABASE_URL: target.url!,
      TELEGRAM_API_ROOT: api.apiRoot,
      LOG_LEVEL: "warn",
      PAGE_SIZE: String(PAGE),
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  await until("polling", () => api.callsOf("getUpdates").length > 0);
  await new Promise((r) => setTimeout(r, 3_000));
  const idle = rssMb();

  api.pushUpdates(messageUpdate("/bookings"));
  await until("the first page", () => api.callsOf("sendMessage").length > 0);
  const first = [...api.messages.values()][0]!;
  t = performance.now();
  let peak = idle;
  for (let i = 0; i < anchors.length; i += 500) {
    const batch: Update[] = anchors.slice(i, i + 500).map((a) =>
      callbackUpdate(first, packList({ filter: "all", anchor: { dir: "older", id: Number(a.id) }, offset: Number(a.rn) })),
    );
    api.pushUpdates(...batch);
    const done = Math.min(i + 500, anchors.length);
    await until(`page ${done}`, () => api.callsOf("answerCallbackQuery").length >= done);
    peak = Math.max(peak, rssMb());
  }
  const seconds = (performance.now() - t) / 1000;
  const after = rssMb();
  process.stdout.write(
    [
      `bot process (node dist/main.js), PostgreSQL, ${rows.toLocaleString("en-US")} bookings`,
      `RSS idle: ${idle.toFixed(0)} MB`,
      `paged through all ${anchors.length.toLocaleString("en-US")} pages (${(anchors.length * PAGE).toLocaleString("en-US")} rows) in ${seconds.toFixed(0)} s (${((seconds * 1000) / anchors.length).toFixed(1)} ms a page, through long polling)`,
      `RSS after: ${after.toFixed(0)} MB · peak while paging: ${peak.toFixed(0)} MB`,
      "",
    ].join("\n"),
  );
} finally {
  child?.kill("SIGTERM");
  if (child) await new Promise((r) => child!.once("exit", r));
  await api.close();
  await target.dispose();
}
