import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openPglite, type Database } from "../../src/db/client";
import { runMigrations } from "../../src/db/migrate";
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { backlog, deliveryCounts, outboxRows, queue, until } from "./helpers";

// Real processes, really killed. On PGlite the data directory is opened by one process at a
// time: the test seeds it and closes it, each worker process opens it after the previous one
// died, and the test reopens it at the end to check the rows.
const SCRIPT = fileURLToPath(new URL("./worker-process.ts", import.meta.url));
const MESSAGES = 150;

let fake: FakeTelegram;
let dir: string | undefined;
let pg: TestDatabase | undefined;
const children: ChildProcess[] = [];
let output = "";

beforeAll(async () => {
  fake = await FakeTelegram.start();
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await fake.close();
  await pg?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openTarget(): Promise<{ database: Database; url: string; close(): Promise<void> }> {
  if (TEST_DB_KIND === "postgres") {
    pg ??= await createTestDatabase();
    return { database: pg, url: pg.url!, close: async () => {} };
  }
  dir ??= mkdtempSync(join(tmpdir(), "delivery-crash-"));
  const database = await openPglite(join(dir, "data"));
  await runMigrations(database);
  return { database, url: join(dir, "data"), close: () => database.close() };
}

function startWorker(url: string): { child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> } {
  // Each process has one send in flight at most, so one kill can catch at most one message
  // between Telegram's answer and its record: the bound the test holds the worker to.
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT], {
    env: { PATH: process.env.PATH, DELIVERY_DB: url, API_ROOT: fake.apiRoot, RATE: "60", LEASE_MS: "1500", MAX_IN_FLIGHT: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
  return { child, exited };
}

it("SIGKILL mid-backlog loses nothing; a message is sent twice only if killed between Telegram's answer and the record", async () => {
  const target = await openTarget();
  await queue(target.database.db, backlog(MESSAGES, 30));
  await target.close();
  let kills = 0;

  // 1: killed at whatever moment it happens to be in when 30 messages are out.
  const first = startWorker(target.url);
  await until("30 deliveries", () => fake.delivered().length >= 30, 30_000).catch((err) => {
    throw new Error(`${(err as Error).message}; output:\n${output}`);
  });
  const deliveredAtKill = fake.delivered().length;
  first.child.kill("SIGKILL");
  kills++;
  expect(await first.exited).toBe("SIGKILL");
  // With one send in flight, only the last message answered before the kill, or one answered
  // while it was dying, can be unrecorded.
  const firstWindow = fake.delivered().slice(deliveredAtKill - 1).map((d) => d.text);

  // 2: killed inside the window: Telegram has accepted the message, the answer is on its way.
  const second = startWorker(target.url);
  let caught: string | undefined;
  fake.beforeAnswer = (call) => {
    if (caught === undefined && fake.delivered().length >= 80) {
      caught = call.payload.text;
      second.child.kill("SIGKILL");
    }
  };
  expect(await second.exited).toBe("SIGKILL");
  kills++;
  fake.beforeAnswer = undefined;

  // 3: runs to the end once the dead processes' leases expire, then stops cleanly.
  const third = startWorker(target.url);
  await until("every message delivered", () => deliveryCounts(fake).size === MESSAGES, 30_000).catch((err) => {
    throw new Error(`${(err as Error).message}; output:\n${output}`);
  });
  third.child.kill("SIGTERM");
  expect(await third.exited).toBe(0);

  const counts = deliveryCounts(fake);
  const duplicates = [...counts.entries()].filter(([, n]) => n > 1);
  expect(counts.size).toBe(MESSAGES); // nothing lost
  expect(duplicates.reduce((sum, [, n]) => sum + n - 1, 0)).toBeLessThanOrEqual(kills);
  for (const [text] of duplicates) expect([caught, ...firstWindow]).toContain(text);
  process.stderr.write(`crash test: ${kills} kills, duplicates ${JSON.stringify(duplicates)}, caught in the window: ${caught}\n`);

  const after = await openTarget();
  try {
    const rows = await outboxRows(after.database.db);
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    for (const row of rows) expect(fake.message(row.chatId, row.telegramMessageId!)?.text).toBe(row.text);
  } finally {
    await after.close();
  }
}, 90_000);
