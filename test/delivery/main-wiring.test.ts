import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openPglite } from "../../src/db/client";
import { runMigrations } from "../../src/db/migrate";
import { TEST_DB_KIND } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { TEST_TOKEN } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";
import { backlog, outboxRows, queue, until } from "./helpers";

// `npm start` delivers what is queued, and a SIGTERM lets the send on the wire finish and be
// recorded before the database closes.
let fake: FakeTelegram;
let dir: string;
let child: ChildProcess | undefined;
let output = "";

beforeAll(async () => {
  fake = await FakeTelegram.start();
  dir = mkdtempSync(join(tmpdir(), "delivery-main-"));
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

it.skipIf(TEST_DB_KIND !== "pglite")("the bot process runs the worker and stops it gracefully on SIGTERM", async () => {
  const data = join(dir, "data");
  const seed = await openPglite(data);
  await runMigrations(seed);
  await queue(seed.db, backlog(3, 3));
  await seed.close();

  // The third message is slow to answer: SIGTERM arrives while it is on the wire.
  fake.delayNext("sendMessage", 800, 1, 7003);
  child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { PATH: process.env.PATH, BOT_TOKEN: TEST_TOKEN, ADMIN_IDS: String(ADMIN.id), PGLITE_DIR: data, TELEGRAM_API_ROOT: fake.apiRoot, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child!.on("exit", (code) => resolve(code)));

  await until("the slow send on the wire", () => fake.callsOf("sendMessage").some((c) => c.payload.chat_id === 7003), 30_000).catch((err) => {
    throw new Error(`${(err as Error).message}; output:\n${output}`);
  });
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(output).toContain('"msg":"stopped"');
  expect(output).not.toContain(TEST_TOKEN.split(":")[1]);

  const after = await openPglite(data);
  try {
    const rows = await outboxRows(after.db);
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    expect(fake.delivered().map((d) => d.text).sort()).toEqual(["m-0", "m-1", "m-2"]);
  } finally {
    await after.close();
  }
}, 60_000);
