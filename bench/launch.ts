/**
 * `npm run bench:launch` — launch day. The bot as `npm start` builds it (one process, then two on
 * one database behind one webhook URL) on the real system's schema with ADMIN_CHAT_ID set,
 * against a Bot API that answers 429 exactly as Telegram documents its limits (bench/launch/
 * telegram.ts). N students arrive over ~100 s after an announcement: /start, a press on the open
 * stream, and two in three send a photo of the receipt a few seconds later; two admins walk the
 * receipt queue as receipts come and page /bookings now and then. Then every figure against
 * its goal; the output is kept in bench/results/launch.md.
 *
 * BENCH_LAUNCH=300x1,1000x2 chooses the runs (students × processes; default all four),
 * BENCH_CROWD_S the arrival window (default 100).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import type { User } from "grammy/types";
import pg from "pg";
import { databaseUrl, withAdmin } from "../test/helpers/db";
import { REAL_SCHEMA } from "../test/helpers/real-system";
import { startBot, type BotProcess } from "./launch/bots";
import { admin, observed, student, type Observed } from "./launch/crowd";
import { LaunchTelegram, peakIn } from "./launch/telegram";
import { resultsHead, writeResults } from "./results";
import { benchServer } from "./server";
import { int, ms, summarize, table } from "./stats";

const GROUP = -1_001_500_000_000;
const ADMINS: User[] = [
  { id: 9_001, is_bot: false, first_name: "Анна", language_code: "ru" },
  { id: 9_002, is_bot: false, first_name: "Борис", language_code: "ru" },
];
const GOALS = { answerP95Ms: 2_000, receiptP95Ms: 10_000, confirmationP95Ms: 60_000, adminP95Ms: 1_000, groupPerMinute: 20, perSecond: 30 };
const CROWD_MS = 1000 * Number(process.env.BENCH_CROWD_S ?? 100);
const runs = (process.env.BENCH_LAUNCH ?? "300x1,1000x1,300x2,1000x2").split(",").map((r) => {
  const [students, processes] = r.split("x").map(Number);
  return { students: students!, processes: processes ?? 1 };
});
const progress = (text: string) => process.stderr.write(`  … ${text}\n`);
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** A repeatable stream of numbers in [0, 1). */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

type Run = { students: number; processes: number };

async function launch(adminUrl: string, run: Run): Promise<{ lines: string[]; pass: boolean }> {
  const name = `launch_${randomBytes(4).toString("hex")}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = databaseUrl(adminUrl, name);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const api = await LaunchTelegram.start();
  const bots: BotProcess[] = [];
  try {
    await db.query(REAL_SCHEMA);
    await db.query("INSERT INTO courses (id, name, price_usd_cents, button_text, is_active) VALUES (1, 'Вайб кодинг', 15000, 'Вайб кодинг', true)");
    const env = {
      BOT_TOKEN: "123456:LAUNCH-token-0123456789abcdef",
      ADMIN_IDS: ADMINS.map((a) => a.id).join(","),
      ADMIN_CHAT_ID: String(GROUP),
      DATABASE_URL: url,
      TELEGRAM_API_ROOT: api.apiRoot,
      LOG_LEVEL: "info",
    };
    bots.push(await startBot(env, "one"));
    // The admin opens enrolment (as /courses does it).
    await db.query("INSERT INTO streams (code, title, course_id, starts_at, is_open) VALUES ('9th_stream', '9-й поток', 1, now() + interval '30 days', true)");
    if (run.processes > 1) bots.push(await startBot(env, "two"));

    let turn = 0;
    const postErrors: string[] = [];
    // A load balancer in front of the webhook: each update to the next process.
    const post = (update: Parameters<BotProcess["post"]>[0]) => void bots[turn++ % bots.length]!.post(update).catch((e: Error) => postErrors.push(e.message));
    const seen: Observed = observed();
    const random = seeded(run.students * 7 + run.processes);
    const startedAt = Date.now();
    progress(`${run.students} students over ${CROWD_MS / 1000} s, ${run.processes} process(es)`);
    let crowdGone = false;
    const crowd = Promise.all(
      Array.from({ length: run.students }, async (_, i) => {
        await sleep((CROWD_MS * (i + random())) / run.students);
        const who: User = { id: 5_000_000 + i, is_bot: false, first_name: `Студент ${i}`, username: `student_${i}`, language_code: "ru" };
        await student(api, post, seen, who, { pays: i % 3 !== 2, random });
      }),
    ).then(() => (crowdGone = true));
    const waiting = async () => Number((await db.query("SELECT count(*) AS n FROM bookings WHERE confirmed = 1")).rows[0].n);
    // The rate in force across processes, as they record it, every half second of the crowd.
    const shareSamples: number[] = [];
    const sampler = setInterval(() => {
      void db.query("SELECT coalesce(sum(share), 0)::float8 AS total FROM send_budget_shares WHERE seen_at > now() - interval '3 seconds'").then(
        (r) => !crowdGone && shareSamples.push(Number(r.rows[0].total)),
        () => {},
      );
    }, 500);
    const done = async () => crowdGone && (await waiting()) === 0;
    const crowdStarted = Date.now();
    let crowdEnded = 0;
    void crowd.then(() => (crowdEnded = Date.now()));
    await Promise.all([crowd, ...ADMINS.map((a) => admin(api, post, seen, a, { random, thinkMs: [800, 1_200], pageEveryMs: 15_000, done }))]);
    clearInterval(sampler);
    const walkedS = (Date.now() - startedAt) / 1000;
    progress(`queue walked in ${walkedS.toFixed(0)} s; waiting for the outbox to drain`);
    await until("the outbox to drain", async () => Number((await db.query("SELECT count(*) AS n FROM outbox WHERE status = 'queued'")).rows[0].n) === 0, 300_000);
    const exits = await Promise.all(bots.map((b) => b.stop()));

    // ── Figures ──
    const answered = seen.student.filter((s) => s.ms !== undefined);
    const answers = summarize(answered.map((s) => s.ms!));
    const adminScreens = summarize(seen.admin.filter((s) => s.ms !== undefined).map((s) => s.ms!));
    const adminUnanswered = seen.admin.filter((s) => s.ms === undefined).length;
    const proofs = (await db.query("SELECT user_id::float8 AS user_id, (extract(epoch FROM created_at) * 1000)::float8 AS at FROM payment_proofs")).rows as Array<{ user_id: number; at: number }>;
    const receiptLag = summarize(proofs.map((p) => p.at - seen.photoAt.get(p.user_id)!));
    const statuses = Object.fromEntries((await db.query("SELECT confirmed, count(*)::int AS n FROM bookings GROUP BY 1")).rows.map((r) => [r.confirmed, r.n]));
    const owners = new Map((await db.query("SELECT id, user_id::float8 AS user_id FROM bookings")).rows.map((r) => [Number(r.id), Number(r.user_id)]));
    const outbox = Object.fromEntries((await db.query("SELECT status, count(*)::int AS n FROM outbox GROUP BY 1")).rows.map((r) => [r.status, r.n]));
    const counted = api.counted();
    const confirmations = new Map<number, number[]>();
    for (const c of counted) if (c.method === "sendMessage" && String(c.payload.text).includes("подтверждена")) confirmations.set(Number(c.payload.chat_id), [...(confirmations.get(Number(c.payload.chat_id)) ?? []), c.at]);
    const confirmLag = summarize([...seen.confirmPressedAt].flatMap(([booking, at]) => (confirmations.get(owners.get(booking)!) ?? []).slice(0, 1).map((sent) => sent - at)));
    const duplicates = [...confirmations.values()].filter((times) => times.length > 1).length;
    const groupPeak = peakIn(counted.filter((c) => Number(c.payload.chat_id) === GROUP).map((c) => c.at), 60_000);
    const overallPeak = peakIn(counted.map((c) => c.at), 1_000);
    const inCrowd = counted.filter((c) => c.at >= crowdStarted && c.at <= crowdEnded).length / ((crowdEnded - crowdStarted) / 1000);
    const meanShare = shareSamples.reduce((a, b) => a + b, 0) / Math.max(1, shareSamples.length);
    const logLines = bots.flatMap((b) => b.output().split("\n")).filter((l) => l.startsWith("{"));
    const errorLines = logLines.filter((l) => Number((JSON.parse(l) as { level?: number }).level) >= 50);
    const roundTrips = logLines.flatMap((l) => {
      const line = JSON.parse(l) as { msg?: string; mean_round_trip_ms?: number };
      return line.msg === "stopped" && line.mean_round_trip_ms !== undefined ? [line.mean_round_trip_ms] : [];
    });
    const waited429 = logLines.filter((l) => {
      const line = JSON.parse(l) as { msg?: string; error_code?: number };
      return line.error_code === 429 || line.msg?.startsWith("429 ");
    }).length;
    const photos = seen.photoAt.size;
    const mark = (ok: boolean) => (ok ? "PASS" : "FAIL");
    const rows: string[][] = [
      ["student updates answered", `${int(answered.length)} of ${int(seen.student.length)}`, "100 %", mark(answered.length === seen.student.length && seen.student.length > 0)],
      ["student update → its answer, p50 / p95 / max", `${ms(answers.p50)} / ${ms(answers.p95)} / ${ms(answers.max)} ms`, `p95 < ${GOALS.answerP95Ms} ms`, mark(answers.p95 < GOALS.answerP95Ms)],
      ["photo → receipt in the queue, p50 / p95", `${ms(receiptLag.p50)} / ${ms(receiptLag.p95)} ms (${int(proofs.length)} of ${int(photos)})`, `p95 < ${GOALS.receiptP95Ms} ms`, mark(receiptLag.p95 < GOALS.receiptP95Ms && proofs.length === photos)],
      ["receipts confirmed by the end", `${int(statuses[2] ?? 0)} of ${int(photos)}; ${int(statuses[1] ?? 0)} left pending`, "all", mark((statuses[2] ?? 0) === photos && !statuses[1])],
      ["admin's press → confirmation delivered, p50 / p95 / max", `${ms(confirmLag.p50)} / ${ms(confirmLag.p95)} / ${ms(confirmLag.max)} ms (${int(confirmLag.n)})`, `p95 < ${GOALS.confirmationP95Ms} ms`, mark(confirmLag.p95 < GOALS.confirmationP95Ms && confirmLag.n === photos)],
      ["confirmations delivered twice", String(duplicates), "0", mark(duplicates === 0)],
      ["messages lost (outbox failed, updates unanswered, webhook errors)", `${outbox.failed ?? 0} / ${seen.student.length - answered.length + adminUnanswered} / ${postErrors.length}`, "0 / 0 / 0", mark(!outbox.failed && answered.length === seen.student.length && !adminUnanswered && !postErrors.length)],
      ["429s met and waited out (log lines)", `${int(api.fake.rateLimited)} (${int(waited429)})`, "—", "—"],
      ["error-level log lines", String(errorLines.length), "0", mark(errorLines.length === 0)],
      ["admin group: most calls in any 60 s", String(groupPeak), `≤ ${GOALS.groupPerMinute}`, mark(groupPeak <= GOALS.groupPerMinute)],
      ["whole bot: most counted calls in any second", String(overallPeak), `≤ ${GOALS.perSecond}`, mark(overallPeak <= GOALS.perSecond)],
      ["admin screens, p50 / p95 / max", `${ms(adminScreens.p50)} / ${ms(adminScreens.p95)} / ${ms(adminScreens.max)} ms (${int(adminScreens.n)})`, `p95 < ${GOALS.adminP95Ms} ms`, mark(adminScreens.p95 < GOALS.adminP95Ms && adminUnanswered === 0)],
      ["processes stopped cleanly (SIGTERM → exit 0)", exits.join(", "), "0", mark(exits.every((e) => e === 0))],
    ];
    const perKind = (["start", "book", "photo"] as const).map((k) => {
      const s = summarize(seen.student.filter((x) => x.kind === k && x.ms !== undefined).map((x) => x.ms!));
      return `${k} ${ms(s.p50)} / ${ms(s.p95)} ms`;
    });
    const lines = [
      `## ${int(run.students)} students, ${run.processes} process${run.processes > 1 ? "es" : ""}`,
      "",
      `${int(run.students)} arrived over ${CROWD_MS / 1000} s; ${int(photos)} sent a receipt; the queue was walked in ${walkedS.toFixed(0)} s by ${ADMINS.length} admins; ` +
        `${int(counted.length)} counted calls reached the Bot API (${int(counted.filter((c) => Number(c.payload.chat_id) === GROUP).length)} to the group); ` +
        `while the crowd came, ${inCrowd.toFixed(1)} a second, with ${meanShare.toFixed(1)} a second in force (the processes' shares, mean; ` +
        `a call's mean round trip ${roundTrips.map((r) => `${r} ms`).join(" / ")}). ` +
        `Answers per kind (p50 / p95): ${perKind.join(" · ")}.`,
      "",
      table(["figure", "measured", "goal", ""], rows),
      "",
    ];
    if (errorLines.length) lines.push("error lines (first 3):", ...errorLines.slice(0, 3), "");
    return { lines, pass: !rows.some((r) => r[3] === "FAIL") };
  } finally {
    await Promise.all(bots.map((b) => b.stop().catch(() => null)));
    await api.close();
    await db.end();
    await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

const loadBefore = os.loadavg();
progress("building dist/main.js as npm start does");
execFileSync("npm", ["run", "-s", "prestart"], { stdio: "inherit" });
const server = await benchServer();
try {
  const [version] = await withAdmin(server.adminUrl, async (c) => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows);
  const out: string[] = [];
  let pass = true;
  for (const run of runs) {
    const result = await launch(server.adminUrl, run);
    pass &&= result.pass;
    out.push(...result.lines);
    process.stdout.write(`${result.lines.join("\n")}\n`);
  }
  const head = resultsHead("bench:launch", `${version?.v ?? "?"} (${server.label})`, loadBefore);
  const ok = writeResults("launch", [...head, "", ...out]);
  process.stdout.write(`\n${pass && ok ? "every goal met" : "a goal was missed (FAIL above)"} — bench/results/launch.md\n`);
  process.exitCode = pass && ok ? 0 : 1;
} finally {
  await server.stop();
}
