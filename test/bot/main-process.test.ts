import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { freePort } from "../helpers/free-port";
import { TEST_TOKEN } from "../helpers/harness";
import { throwawayDir } from "../helpers/throwaway-server";
import { ADMIN, messageUpdate } from "../helpers/updates";
import { eventually } from "../helpers/eventually";

// `npm start` as a user runs it: the same build (prestart), a real process long polling a
// (fake) Bot API, no DATABASE_URL, so the embedded PostgreSQL in a fresh DATA_DIR: created,
// started, migrated, shared with `npm run db:check`, stopped with the bot, recovered after a crash.
let api: FakeTelegram;
let dir: string;
let port: number;
const children: ChildProcess[] = [];

beforeAll(async () => {
  api = await FakeTelegram.start();
  dir = throwawayDir("bot-main-");
  port = await freePort();
  execFileSync("npm", ["run", "-s", "prestart"], { stdio: "inherit" });
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  killServer(join(dir, "data"));
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (data: string, pgPort = port) => ({
  PATH: process.env.PATH,
  BOT_TOKEN: TEST_TOKEN,
  ADMIN_IDS: String(ADMIN.id),
  DATA_DIR: data,
  EMBEDDED_PG_PORT: String(pgPort),
  TELEGRAM_API_ROOT: api.apiRoot,
  LOG_LEVEL: "info",
});

function startBot(data = join(dir, "data"), pgPort = port) {
  const child = spawn(process.execPath, ["--enable-source-maps", "dist/main.js"], { env: env(data, pgPort), stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const run = { child, output: "", exited: new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code))) };
  child.stdout!.on("data", (d) => (run.output += d));
  child.stderr!.on("data", (d) => (run.output += d));
  return run;
}

const postmasterPid = (data: string): number | undefined => {
  const file = join(data, "postgres", "postmaster.pid");
  return existsSync(file) ? Number(readFileSync(file, "utf8").split("\n")[0]) : undefined;
};

const parentOf = (pid: string): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1];
  } catch {
    return undefined; // gone meanwhile
  }
};

/** kill -9 of the postmaster and every process it started, as a power cut would leave them. */
function killServer(data: string): void {
  const pid = postmasterPid(data);
  if (!pid) return;
  const children = readdirSync("/proc").filter((p) => /^\d+$/.test(p) && parentOf(p) === String(pid));
  for (const p of [pid, ...children.map(Number)]) spawnSync("kill", ["-9", String(p)]);
}

async function answersBookings(run: ReturnType<typeof startBot>): Promise<void> {
  const polls = api.callsOf("getUpdates").length;
  await eventually("polling", () => api.callsOf("getUpdates").length > polls, { context: () => run.output });
  const sent = api.callsOf("sendMessage").length;
  api.pushUpdates(messageUpdate("/bookings"));
  const reply = await eventually("the reply", () => api.callsOf("sendMessage")[sent], { context: () => run.output });
  expect(reply.payload.text).toContain("Заявок пока нет.");
}

it("starts its own PostgreSQL, shares it with db:check, stops it on SIGTERM, and recovers after kill -9", async () => {
  const data = join(dir, "data");
  const bot = startBot();
  await answersBookings(bot);
  expect(api.callsOf("setMyCommands")[0]?.payload.scope).toEqual({ type: "chat", chat_id: ADMIN.id });
  expect(bot.output).toContain('"msg":"embedded PostgreSQL started"');
  expect((readFileSync(join(data, "postgres.password")).length)).toBeGreaterThan(20);
  expect(spawnSync("stat", ["-c", "%a", join(data, "postgres.password")], { encoding: "utf8" }).stdout.trim()).toBe("600");

  // A command beside the running bot joins its server and leaves it running.
  const check = spawnSync(process.execPath, ["--import", "tsx", "src/cli/check.ts"], { env: env(data), encoding: "utf8" });
  expect(check.status, check.stderr).toBe(0);
  expect(check.stdout).toContain(`the embedded PostgreSQL in ${data} (127.0.0.1:${port})`);
  expect(JSON.parse(check.stdout.slice(check.stdout.indexOf("{")))).toMatchObject({ ok: true, database: "reachable" });
  const server = postmasterPid(data);
  expect(server).toBeDefined();

  bot.child.kill("SIGTERM");
  expect(await bot.exited).toBe(0);
  expect(bot.output).toContain('"msg":"embedded PostgreSQL stopped"');
  expect(bot.output).toContain('"msg":"stopped"');
  expect(bot.output).not.toContain("TEST-token");
  expect(postmasterPid(data)).toBeUndefined();

  // A crash of both: the bot and the server killed, postmaster.pid left behind.
  const crashed = startBot();
  await answersBookings(crashed);
  crashed.child.kill("SIGKILL");
  await crashed.exited;
  killServer(data);
  expect(postmasterPid(data)).toBeDefined();

  const again = startBot();
  await answersBookings(again);
  expect(again.output).toContain("was not stopped cleanly last time; removing its stale postmaster.pid");
  again.child.kill("SIGTERM");
  expect(await again.exited).toBe(0);
  expect(postmasterPid(data)).toBeUndefined();
}, 120_000);

describe("expected failures: one line and exit code 1", () => {
  let blocker: Server | undefined;
  afterAll(() => blocker?.close());

  async function failure(data: string, pgPort = port): Promise<string> {
    const run = startBot(data, pgPort);
    expect(await run.exited).toBe(1);
    return run.output.trim();
  }

  it("the port is taken", async () => {
    const taken = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve, reject) => blocker!.once("error", reject).listen(taken, "127.0.0.1", resolve));
    const output = await failure(join(dir, "taken"), taken);
    expect(output.split("\n").at(-1)).toBe(`port ${taken} on 127.0.0.1 is taken by another program: set EMBEDDED_PG_PORT to a free port`);
  });

  it("DATA_DIR cannot be created", async () => {
    writeFileSync(join(dir, "a-file"), "");
    const output = await failure(join(dir, "a-file", "data"));
    expect(output).toMatch(/^DATA_DIR .*a-file\/data is not usable \(ENOTDIR\)/);
    expect(output.split("\n")).toHaveLength(1);
  });

  it("DATA_DIR holds a PGlite database of an earlier version", async () => {
    const old = join(dir, "pglite");
    mkdirSync(old);
    writeFileSync(join(old, "PG_VERSION"), "17\n");
    const output = await failure(old);
    expect(output).toContain(`${old} holds a PGlite database from an earlier version`);
    expect(output.split("\n")).toHaveLength(1);
    expect(readdirSync(old)).toEqual(["PG_VERSION"]);
  });
});

// The start-up failures an operator meets first, each through the real process: one plain line,
// no stack trace; exit 1 when waiting cannot help, a visible retry when it can.
describe("start-up in plain words", () => {
  const noStack = (output: string) => expect(output).not.toMatch(/^\s+at /m);
  const withDatabase = (url: string, apiRoot: string) => ({ ...env(join(dir, "unused")), DATABASE_URL: url, TELEGRAM_API_ROOT: apiRoot });
  function startWith(vars: Record<string, string | undefined>) {
    const child = spawn(process.execPath, ["dist/main.js"], { env: vars, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    const run = { child, output: "", exited: new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code))) };
    child.stdout!.on("data", (d) => (run.output += d));
    child.stderr!.on("data", (d) => (run.output += d));
    return run;
  }
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.dispose());

  it("a token Telegram rejects", async () => {
    const rejecting = await FakeTelegram.start();
    try {
      rejecting.failNext("getMe", { error_code: 401, description: "Unauthorized" }, 100);
      const run = startWith(withDatabase(database.url, rejecting.apiRoot));
      expect(await run.exited).toBe(1);
      expect(run.output.trim().split("\n").at(-1)).toBe("Telegram rejected BOT_TOKEN (401): copy it again from @BotFather");
      noStack(run.output);
    } finally {
      await rejecting.close();
    }
  });

  it("a Bot API out of reach: which URL, why, the next try; then it answers and the bot runs", async () => {
    const apiPort = await freePort();
    const apiRoot = `http://127.0.0.1:${apiPort}`;
    const run = startWith(withDatabase(database.url, apiRoot));
    await eventually("the retry line", () => run.output.includes(`cannot reach the Bot API at ${apiRoot} (ECONNREFUSED); retrying in 1 s`), { context: () => run.output });
    const late = await FakeTelegram.start(apiPort);
    try {
      await eventually("polling", () => run.output.includes("bot is running (long polling)"), { context: () => run.output });
      noStack(run.output);
      run.child.kill("SIGTERM");
      expect(await run.exited).toBe(0);
    } finally {
      await late.close();
    }
  });

  it("a database that refuses the password", async () => {
    const pgPort = await freePort();
    const refusing = refusingPostgres();
    await new Promise<void>((resolve) => refusing.listen(pgPort, "127.0.0.1", resolve));
    try {
      const run = startWith(withDatabase(`postgres://bot:wrong@127.0.0.1:${pgPort}/bot`, api.apiRoot));
      expect(await run.exited).toBe(1);
      expect(run.output.trim().split("\n").at(-1)).toBe("The database refused the password (28P01): check the user and password in DATABASE_URL");
      noStack(run.output);
    } finally {
      refusing.close();
    }
  });

  it("a database that does not exist", async () => {
    const url = new URL(database.url);
    url.pathname = "/no_such_database";
    const run = startWith(withDatabase(url.toString(), api.apiRoot));
    expect(await run.exited).toBe(1);
    expect(run.output.trim().split("\n").at(-1)).toBe(
      'The database does not exist (3D000: database "no_such_database" does not exist): create it or fix the name in DATABASE_URL',
    );
    noStack(run.output);
  });
});

/** A PostgreSQL server as far as the login goes: it answers every startup with 28P01. */
function refusingPostgres(): Server {
  const field = (type: string, value: string) => Buffer.concat([Buffer.from(type), Buffer.from(`${value}\0`)]);
  const body = Buffer.concat([field("S", "FATAL"), field("V", "FATAL"), field("C", "28P01"), field("M", 'password authentication failed for user "bot"'), Buffer.from("\0")]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  const error = Buffer.concat([Buffer.from("E"), length, body]);
  return createServer((socket) => socket.once("data", () => socket.end(error)));
}
