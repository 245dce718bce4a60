import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { backlog, deliveryCounts, outboxRows, queue } from "./helpers";
import { eventually } from "../helpers/eventually";

// Real processes, really killed, one after the other on one database.
const SCRIPT = fileURLToPath(new URL("./worker-process.ts", import.meta.url));
const MESSAGES = 150;

let fake: FakeTelegram;
let database: TestDatabase;
const children: ChildProcess[] = [];
let output = "";

beforeAll(async () => {
  fake = await FakeTelegram.start();
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await fake.close();
  await database?.dispose();
});

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
  await queue(database.db, backlog(MESSAGES, 30));
  let kills = 0;

  // 1: killed at whatever moment it happens to be in when 30 messages are out.
  const first = startWorker(database.url);
  await eventually("30 deliveries", () => fake.delivered().length >= 30, { context: () => output });
  const deliveredAtKill = fake.delivered().length;
  first.child.kill("SIGKILL");
  kills++;
  expect(await first.exited).toBe("SIGKILL");
  // With one send in flight, only the last message answered before the kill, or one answered
  // while it was dying, can be unrecorded.
  const firstWindow = fake.delivered().slice(deliveredAtKill - 1).map((d) => d.text);

  // 2: killed inside the window: Telegram has accepted the message, the answer is on its way.
  const second = startWorker(database.url);
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
  const third = startWorker(database.url);
  await eventually("every message delivered", () => deliveryCounts(fake).size === MESSAGES, { context: () => output });
  third.child.kill("SIGTERM");
  expect(await third.exited).toBe(0);

  const counts = deliveryCounts(fake);
  const duplicates = [...counts.entries()].filter(([, n]) => n > 1);
  expect(counts.size).toBe(MESSAGES); // nothing lost
  expect(duplicates.reduce((sum, [, n]) => sum + n - 1, 0)).toBeLessThanOrEqual(kills);
  for (const [text] of duplicates) expect([caught, ...firstWindow]).toContain(text);
  process.stderr.write(`crash test: ${kills} kills, duplicates ${JSON.stringify(duplicates)}, caught in the window: ${caught}\n`);

  const rows = await outboxRows(database.db);
  expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
  for (const row of rows) expect(fake.message(row.chatId, row.telegramMessageId!)?.text).toBe(row.text);
}, 90_000);
