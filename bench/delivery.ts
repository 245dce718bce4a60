/**
 * `npm run bench:delivery` — the delivery worker against Telegram's flood limits, with a workload
 * that can meet them: a broadcast to BENCH_STUDENTS students (default 2,000) through the real
 * broadcast path, confirmations to every tenth of them through real status changes, and 50
 * cancellations to one student (one chat, so at most one a second), all queued before the worker
 * starts. The worker runs as `main.ts` builds it with DELIVERY_RATE=30, through the real grammY
 * client, against a fake Bot API that enforces 30/s overall and 1/s per chat by answering 429
 * with retry_after, and refuses every send inside that window. Each figure is printed against its
 * goal; a FAIL exits non-zero. The output is kept in bench/results/delivery.md.
 */
import os from "node:os";
import { Writable } from "node:stream";
import { Api } from "grammy";
import { changeBookingStatus } from "../src/bookings/change-status";
import { parseConfig } from "../src/config";
import { runMigrations } from "../src/db/migrate";
import { DEMO_COURSES } from "../src/db/seed";
import { finishBroadcastOnLastRecipient } from "../src/delivery/broadcasts";
import { broadcastWords } from "../src/bot/broadcast-words";
import { createDeliveryWorker } from "../src/delivery/worker";
import { createLogger } from "../src/logger";
import { queueTextBroadcast } from "../test/helpers/broadcasts";
import { FakeTelegram } from "../test/helpers/fake-telegram";
import { ADMIN } from "../test/helpers/updates";
import { deliveryFigures, type DeliveryFigures } from "./delivery-figures";
import { resultsHead, writeResults } from "./results";
import { benchTarget } from "./targets";

const TELEGRAM = { perSecond: 30, perChatMs: 1_000 };
const GOAL_SHARE = 0.95;
const ONE_CHAT = 50;
const FIRST_STUDENT = 8_000_000_001;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw.replace(/_/g, ""));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return n;
}

const students = positive("BENCH_STUDENTS", 2_000);
const confirmations = Math.floor(students / 10);
const loadBefore = os.loadavg();
const progress = (line: string) => process.stderr.write(`  … ${line}\n`);

const target = await benchTarget("bench_delivery");
const fake = await FakeTelegram.start();
fake.enforceLimits({ ...TELEGRAM, retryAfter: 1 });
const TOKEN = "123456:BENCH-token-that-must-never-be-logged";
const config = parseConfig({ BOT_TOKEN: TOKEN, ADMIN_IDS: String(ADMIN.id), DELIVERY_RATE: process.env.DELIVERY_RATE || "30" });
let warnings = 0;
const logger = createLogger({ logLevel: "warn" }, new Writable({ write: (_c, _e, done) => (warnings++, done()) }));
let lines: string[] = [];
try {
  const { database } = target;
  const { db } = database;
  await runMigrations(database);

  progress(`queueing a broadcast to ${students} students, ${confirmations} confirmations and ${ONE_CHAT} messages to one chat`);
  for (const c of DEMO_COURSES) await database.query("INSERT INTO courses (id, name, start_date_text) VALUES ($1, $2, $3)", [c.id, c.name, c.start]);
  // Every student has one new booking; the last one also has 50 pending bookings, cancelled below.
  const oneChat = FIRST_STUDENT + students;
  await database.query(
    `INSERT INTO users (user_id, username, first_name, language_code) SELECT $1::bigint + i, 'student_' || i, 'Студент ' || i, 'ru' FROM generate_series(0, $2::int) AS i`,
    [FIRST_STUDENT, students],
  );
  await database.query(
    `INSERT INTO bookings (user_id, username, first_name, course_id, course_stream, confirmed)
     SELECT user_id, username, first_name, 1 + user_id % 3, '8th_stream', CASE WHEN user_id = $1 THEN 1 ELSE 0 END
     FROM users, generate_series(1, CASE WHEN user_id = $1 THEN $2::int ELSE 1 END)`,
    [oneChat, ONE_CHAT],
  );
  const broadcast = await queueTextBroadcast(db, fake, { audience: { kind: "bookings", status: 0 }, text: "Набор на 9-й поток открыт: запись в боте до пятницы.", adminId: ADMIN.id });
  if (broadcast.recipients !== students) throw new Error(`the broadcast reached ${broadcast.recipients} students, not ${students}`);
  const actor = { id: ADMIN.id, name: ADMIN.first_name, role: "admin" as const };
  const change = async (bookingId: number, action: "confirm" | "cancel", seen: 0 | 1, reason?: string) => {
    const result = await changeBookingStatus(db, { bookingId, action, seen, actor, reason: reason ?? null, timeZone: config.timeZone });
    if (result.kind !== "changed" || !result.notified) throw new Error(`${action} of booking ${bookingId}: ${result.kind}`);
  };
  const newBookings = await database.query<{ id: number }>("SELECT id FROM bookings WHERE confirmed = 0 ORDER BY user_id");
  for (let i = 0; i < confirmations; i++) await change(newBookings[i * 10]!.id, "confirm", 0);
  const oneChatBookings = await database.query<{ id: number }>("SELECT id FROM bookings WHERE user_id = $1 ORDER BY id", [oneChat]);
  for (const [k, b] of oneChatBookings.entries()) await change(b.id, "cancel", 1, `дубль заявки №${k + 1}`);

  const worker = createDeliveryWorker({
    db,
    api: new Api(TOKEN, { apiRoot: fake.apiRoot }),
    logger,
    options: { ratePerSecond: config.delivery.ratePerSecond, maxAttempts: config.delivery.maxAttempts },
    onOutcome: finishBroadcastOnLastRecipient(broadcastWords),
  });
  const queued = async () => (await database.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE status = 'queued'"))[0]?.n ?? 0;
  const total = await queued();
  progress(`sending ${total} messages at DELIVERY_RATE=${config.delivery.ratePerSecond}`);
  const started = Date.now();
  // Far beyond what the workload needs at the limit: a stuck worker ends as a FAIL, not a hang.
  const deadline = started + (10 * 1000 * total) / TELEGRAM.perSecond;
  worker.start();
  let lastReport = started;
  let left = total;
  while ((left = await queued()) > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      progress(`${total - left} sent, ${fake.rateLimited} × 429`);
    }
  }
  await worker.stop();

  const rows = await database.query<{ id: number; chat_id: number; text: string; kind: string; status: string }>("SELECT id, chat_id, text, kind, status FROM outbox");
  const [history] = await database.query<{ sent: number; finished: boolean }>(
    "SELECT successful_deliveries AS sent, finished_at IS NOT NULL AS finished FROM message_history WHERE id = $1",
    [broadcast.id],
  );
  const figures = deliveryFigures({ rows, calls: fake.callsOf("sendMessage"), started, oneChat, rateLimited: fake.rateLimited, stillQueued: left });
  lines = report(figures, { rate: config.delivery.ratePerSecond, broadcastSent: history?.sent ?? 0, finished: history?.finished ?? false, total });
} finally {
  await fake.close();
  await target.dispose();
  if (warnings > 0) progress(`${warnings} warning log lines from the worker`);
}
process.stdout.write(`${lines.join("\n")}\n`);
process.exitCode = writeResults("delivery", lines) ? 0 : 1;

function report(f: DeliveryFigures, run: { rate: number; broadcastSent: number; finished: boolean; total: number }): string[] {
  const goalRate = GOAL_SHARE * TELEGRAM.perSecond;
  const verdict = (ok: boolean, goal: string) => `${ok ? "PASS" : "FAIL"} (goal ${goal})`;
  const n = (x: number) => x.toLocaleString("en-US");
  return [
    ...resultsHead("bench:delivery", target.name.replace(/^PostgreSQL /, ""), loadBefore),
    `workload: a broadcast to ${n(students)} students (createBroadcast: message_history + message_recipients), ${n(confirmations)} confirmations to some of the same students and ${ONE_CHAT} cancellations to one student (changeBookingStatus), all queued before the worker starts; the broadcast's report to the admin is queued by the last recipient's record (${n(run.total)} + ${f.expected - run.total} messages)`,
    `worker: createDeliveryWorker as main.ts builds it, DELIVERY_RATE=${run.rate}, real grammY client over local HTTP; fake Bot API: 429 + retry_after 1 beyond ${TELEGRAM.perSecond}/s overall or 1 per ${TELEGRAM.perChatMs} ms per chat, and to every send inside a retry_after window`,
    `time: ${f.seconds.toFixed(1)} s from the worker's start to the last message's arrival; the one chat's ${ONE_CHAT} messages done after ${f.oneChatSeconds.toFixed(1)} s (at least ${ONE_CHAT - 1} s at 1/s), ${f.oneChatGaps.min} / ${f.oneChatGaps.median} / ${f.oneChatGaps.max} ms apart (least / median / most)`,
    `broadcast log: ${n(run.broadcastSent)} of ${n(students)} recipients recorded sent, ${run.finished ? "finished" : "NOT finished"}`,
    "",
    "| figure | measured | goal |",
    "|---|---|---|",
    `| messages/s overall (Telegram allows ${TELEGRAM.perSecond}) | ${f.perSecond.toFixed(1)} (${((100 * f.perSecond) / TELEGRAM.perSecond).toFixed(1)} %) | ${verdict(f.perSecond >= goalRate, `≥ ${goalRate}`)} |`,
    `| 429 answers | ${f.rateLimited} | ${verdict(f.rateLimited === 0, "0")} |`,
    `| lost (queued, never delivered) | ${f.lost} | ${verdict(f.lost === 0, "0")} |`,
    `| duplicated (delivered more than once) | ${f.duplicated} | ${verdict(f.duplicated === 0, "0")} |`,
    `| peak per chat: most sends to one chat in any 1 s | ${f.peakPerChat} | ${verdict(f.peakPerChat <= 1, "≤ 1")} |`,
    `| peak overall: most sends in any 1 s | ${f.peakOverall} | ${verdict(f.peakOverall <= TELEGRAM.perSecond, `≤ ${TELEGRAM.perSecond}`)} |`,
  ];
}
