import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { TEST_TOKEN } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";
import { backlog, outboxRows, queue } from "./helpers";
import { eventually } from "../helpers/eventually";

// `npm start` delivers what is queued, and a SIGTERM lets the send on the wire finish and be
// recorded before the database closes.
let fake: FakeTelegram;
let database: TestDatabase;
let child: ChildProcess | undefined;
let output = "";

beforeAll(async () => {
  fake = await FakeTelegram.start();
  database = await createTestDatabase();
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await fake.close();
  await database?.dispose();
});

it("the bot process runs the worker and stops it gracefully on SIGTERM", async () => {
  await queue(database.db, backlog(3, 3));

  // The third message is slow to answer: SIGTERM arrives while it is on the wire.
  fake.delayNext("sendMessage", 800, 1, 7003);
  child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { PATH: process.env.PATH, BOT_TOKEN: TEST_TOKEN, ADMIN_IDS: String(ADMIN.id), DATABASE_URL: database.url, TELEGRAM_API_ROOT: fake.apiRoot, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child!.on("exit", (code) => resolve(code)));

  await eventually("the slow send on the wire", () => fake.callsOf("sendMessage").some((c) => c.payload.chat_id === 7003), { context: () => output });
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(output).toContain('"msg":"stopped"');
  expect(output).not.toContain(TEST_TOKEN.split(":")[1]);

  const rows = await outboxRows(database.db);
  expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
  expect(fake.delivered().map((d) => d.text).sort()).toEqual(["m-0", "m-1", "m-2"]);
}, 60_000);
