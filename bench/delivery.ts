/**
 * Delivery benchmark: a backlog of queued messages (BENCH_MESSAGES, default 10,000) to
 * BENCH_CHATS chats (default: five messages per chat, so 2,000 for 10,000), sent by the real delivery worker at its default rate
 * through the real grammY client to a fake Bot API that enforces Telegram's flood limits
 * (30 messages/s overall, 1/s per chat) by answering 429 with retry_after.
 * Runs on a fresh database of the embedded PostgreSQL (or, when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL is set, next to it), dropped afterwards.
 *
 *   npx tsx bench/delivery.ts            (or import { runDeliveryBench } from "./delivery")
 */
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { Api } from "grammy";
import { parseConfig } from "../src/config";
import { runMigrations } from "../src/db/migrate";
import { createDeliveryWorker } from "../src/delivery/worker";
import { createLogger } from "../src/logger";
import { FakeTelegram } from "../test/helpers/fake-telegram";
import { benchTarget } from "./targets";

export type DeliveryBenchOptions = { messages: number; chats: number };

export type DeliveryBenchResult = {
  target: string;
  messages: number;
  chats: number;
  ratePerSecond: number;
  seconds: number;
  messagesPerSecond: number;
  rateLimited: number;
  lost: number;
  duplicated: number;
  failed: number;
  /**
   * Most sends the fake API saw arrive in any one-second window (strictly, and allowing 5 ms of
   * jitter between a send's start and its arrival), and the closest two sends to one chat.
   */
  maxPerSecond: number;
  maxPerSecondJitter5: number;
  minPerChatGapMs: number;
};

const TOKEN = "123456:BENCH-token-that-must-never-be-logged";

export async function runDeliveryBench(options: DeliveryBenchOptions, progress: (line: string) => void = () => {}): Promise<DeliveryBenchResult> {
  const target = await benchTarget("bench_delivery");
  const fake = await FakeTelegram.start();
  fake.enforceLimits({ perSecond: 30, perChatMs: 1000, retryAfter: 1 });
  // The worker at the rate the bot runs with when DELIVERY_RATE is not set.
  const { delivery } = parseConfig({ BOT_TOKEN: TOKEN, ADMIN_IDS: "1" });
  let warnings = 0;
  const logger = createLogger(
    { logLevel: "warn" },
    new Writable({
      write(_chunk, _enc, done) {
        warnings++;
        done();
      },
    }),
  );
  try {
    const { database } = target;
    await runMigrations(database);
    await database.query(
      `INSERT INTO outbox (dedupe_key, kind, chat_id, text)
       SELECT 'bench-' || i, 'broadcast', 1000000 + (i % $2), 'bench-' || i FROM generate_series(1, $1) AS i`,
      [options.messages, options.chats],
    );
    const worker = createDeliveryWorker({
      db: database.db,
      api: new Api(TOKEN, { apiRoot: fake.apiRoot }),
      logger,
      options: { ratePerSecond: delivery.ratePerSecond, maxAttempts: delivery.maxAttempts },
    });
    const started = performance.now();
    worker.start();
    let lastReport = started;
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      const [row] = await database.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE status = 'queued'");
      if (row?.n === 0) break;
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        progress(`${options.messages - (row?.n ?? 0)} of ${options.messages} done, ${fake.rateLimited} × 429`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    await worker.stop();

    const delivered = fake.delivered();
    const counts = new Map<string, number>();
    for (const d of delivered) counts.set(d.text, (counts.get(d.text) ?? 0) + 1);
    let lost = 0;
    for (let i = 1; i <= options.messages; i++) if (!counts.has(`bench-${i}`)) lost++;
    const duplicated = [...counts.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    const [failed] = await database.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE status = 'failed'");

    const times = fake.callsOf("sendMessage").map((c) => c.at);
    const mostInWindow = (windowMs: number) => {
      let most = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i]! - times[j]! >= windowMs) j++;
        most = Math.max(most, i - j + 1);
      }
      return most;
    };
    const lastByChat = new Map<number, number>();
    let minPerChatGapMs = Number.POSITIVE_INFINITY;
    for (const d of delivered) {
      const last = lastByChat.get(d.chatId);
      if (last !== undefined) minPerChatGapMs = Math.min(minPerChatGapMs, d.at - last);
      lastByChat.set(d.chatId, d.at);
    }
    return {
      target: target.name,
      messages: options.messages,
      chats: options.chats,
      ratePerSecond: delivery.ratePerSecond,
      seconds,
      messagesPerSecond: delivered.length / seconds,
      rateLimited: fake.rateLimited,
      lost,
      duplicated,
      failed: failed?.n ?? 0,
      maxPerSecond: mostInWindow(1000),
      maxPerSecondJitter5: mostInWindow(995),
      minPerChatGapMs,
    };
  } finally {
    await fake.close();
    await target.dispose();
    if (warnings > 0) progress(`${warnings} warning log lines (failed deliveries)`);
  }
}

export function formatDeliveryBench(r: DeliveryBenchResult): string {
  return [
    `== delivery · ${r.target} ==`,
    `${r.messages.toLocaleString("en-US")} messages to ${r.chats.toLocaleString("en-US")} chats · worker rate ${r.ratePerSecond}/s · fake API limits 30/s overall, 1/s per chat`,
    `throughput: ${r.messagesPerSecond.toFixed(1)} messages/s · total ${r.seconds.toFixed(1)} s`,
    `429s received: ${r.rateLimited} · lost: ${r.lost} · duplicated: ${r.duplicated} · failed: ${r.failed}`,
    `fake API log: at most ${r.maxPerSecond} arrivals in any 1 s window (${r.maxPerSecondJitter5} allowing 5 ms of arrival jitter) · closest two sends to one chat ${Number.isFinite(r.minPerChatGapMs) ? `${r.minPerChatGapMs} ms` : "-"} apart`,
  ].join("\n");
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw.replace(/_/g, ""));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return n;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const messages = positive("BENCH_MESSAGES", 10_000);
  const chats = positive("BENCH_CHATS", Math.max(1, Math.round(messages / 5)));
  const result = await runDeliveryBench({ messages, chats }, (line) => process.stderr.write(`  … ${line}\n`));
  process.stdout.write(`${formatDeliveryBench(result)}\n\n`);
}
