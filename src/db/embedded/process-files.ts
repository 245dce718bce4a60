import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { EmbeddedServerError } from "./errors";

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const readPid = (path: string): number | undefined => {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

/** A lock older than this was left by a process whose pid has since been reused. */
const STALE_LOCK_MS = 5 * 60_000;

/**
 * Runs `fn` while holding a lock file with this process's pid, so two processes never decide
 * at once to start (or stop) the one server of a data folder. A lock whose owner died is taken
 * over; a live owner is waited for (a first start, initdb included, takes a few seconds).
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, waitMs = 120_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = readPid(path);
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    // An empty file is a lock being written this instant: wait, unless it is old.
    if ((owner !== undefined && !isAlive(owner)) || age > STALE_LOCK_MS) {
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new EmbeddedServerError(`${path} is held by process ${owner ?? "?"}; is it stuck? Stop it or remove the file`);
    await sleep(100);
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

let handles = 0;

/**
 * Each user of the server leaves a file named after its pid (and a counter, for two users in one
 * process), so the last one to go stops it, and a user that died is recognised as gone.
 */
export function registerClient(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const name = `${process.pid}-${++handles}`;
  closeSync(openSync(join(dir, name), "w"));
  return name;
}

export function unregisterClient(dir: string, name: string): void {
  rmSync(join(dir, name), { force: true });
}

/** Pids of the live users other than `own`; files of dead ones are removed. */
export function otherClients(dir: string, own: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const alive: number[] = [];
  for (const name of names) {
    if (name === own) continue;
    const pid = Number(name.split("-")[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) alive.push(pid);
    else rmSync(join(dir, name), { force: true });
  }
  return alive;
}
