import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TEST_DB_KIND } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { TEST_TOKEN } from "../helpers/harness";
import { ADMIN, messageUpdate } from "../helpers/updates";

// `npm start` as a user runs it: the same build (prestart), a real process long polling a
// (fake) Bot API, PGlite in a fresh folder, migrations at start, and a clean stop on SIGTERM.
let api: FakeTelegram;
let dir: string;
let child: ChildProcess | undefined;
let output = "";

beforeAll(async () => {
  api = await FakeTelegram.start();
  dir = mkdtempSync(join(tmpdir(), "bot-main-"));
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it.skipIf(TEST_DB_KIND !== "pglite")("starts, answers an admin, and stops cleanly on SIGTERM", async () => {
  execFileSync("npm", ["run", "-s", "prestart"], { stdio: "inherit" });
  child = spawn(process.execPath, ["--enable-source-maps", "dist/main.js"], {
    env: {
      PATH: process.env.PATH,
      BOT_TOKEN: TEST_TOKEN,
      ADMIN_IDS: String(ADMIN.id),
      PGLITE_DIR: join(dir, "data"),
      TELEGRAM_API_ROOT: api.apiRoot,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child!.on("exit", (code) => resolve(code)));

  await until("polling", () => (api.callsOf("getUpdates").length > 0 ? true : undefined));
  expect(api.callsOf("setMyCommands")[0]?.payload.scope).toEqual({ type: "chat", chat_id: ADMIN.id });

  api.pushUpdates(messageUpdate("/bookings"));
  const reply = await until("the reply", () => api.callsOf("sendMessage")[0]);
  expect(reply.payload.text).toContain("Заявок пока нет.");

  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(output).toContain('"msg":"stopped"');
  expect(output).not.toContain("TEST-token");
}, 60_000);
