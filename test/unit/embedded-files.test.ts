import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hydrateSymlinks } from "../../src/db/embedded/binaries";
import { otherClients, registerClient, unregisterClient, withFileLock } from "../../src/db/embedded/process-files";
import { deadPid } from "../helpers/dead-pid";
import { eventually } from "../helpers/eventually";

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "embedded-files-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

it("recreates the shared-library links the skipped postinstall script would have made", () => {
  const pkg = freshDir();
  mkdirSync(join(pkg, "native", "lib"), { recursive: true });
  writeFileSync(join(pkg, "native", "lib", "libicuuc.so.60.2"), "");
  writeFileSync(
    join(pkg, "native", "pg-symlinks.json"),
    JSON.stringify([
      { source: "native/lib/libicuuc.so.60.2", target: "native/lib/libicuuc.so.60" },
      { source: "native/lib/libicuuc.so.60.2", target: "native/lib/libicuuc.so" },
    ]),
  );
  hydrateSymlinks(join(pkg, "native"));
  expect(readlinkSync(join(pkg, "native", "lib", "libicuuc.so.60"))).toBe("libicuuc.so.60.2");
  expect(existsSync(join(pkg, "native", "lib", "libicuuc.so"))).toBe(true);
  hydrateSymlinks(join(pkg, "native")); // the links exist: nothing to do, no error
});

describe("the lock file (postgres.lock): one process at a time decides to start or stop the server", () => {
  it("keeps a second user waiting while the first holds it, then lets it in", async () => {
    const lock = join(freshDir(), "postgres.lock");
    const steps: string[] = [];
    let letGo!: () => void;
    const first = withFileLock(lock, async () => {
      steps.push("first in");
      await new Promise<void>((resolve) => (letGo = resolve));
      steps.push("first out");
    });
    await eventually("the first inside", () => steps.length > 0);
    expect(steps).toEqual(["first in"]);
    // Each look of the waiter asks whether the holder (this process) is alive: signal 0.
    const looks = vi.spyOn(process, "kill");
    const second = withFileLock(lock, async () => {
      steps.push("second in");
      return readFileSync(lock, "utf8");
    });
    // After several looks it must still be outside.
    await eventually("three looks at the holder", () => looks.mock.calls.filter(([pid, signal]) => pid === process.pid && signal === 0).length >= 3);
    looks.mockRestore();
    expect(steps).toEqual(["first in"]);
    expect(readFileSync(lock, "utf8")).toBe(String(process.pid));

    letGo();
    expect(await second).toBe(String(process.pid));
    await first;
    expect(steps).toEqual(["first in", "first out", "second in"]);
    expect(existsSync(lock)).toBe(false);
  });

  it("is given back when the holder fails, and the error reaches the caller", async () => {
    const lock = join(freshDir(), "postgres.lock");
    await expect(withFileLock(lock, async () => Promise.reject(new Error("initdb failed")))).rejects.toThrow("initdb failed");
    expect(existsSync(lock)).toBe(false);
    expect(await withFileLock(lock, async () => "next", 0)).toBe("next");
  });

  it("takes over a lock whose owner died", async () => {
    const lock = join(freshDir(), "postgres.lock");
    writeFileSync(lock, String(await deadPid()));
    expect(await withFileLock(lock, async () => readFileSync(lock, "utf8"))).toBe(String(process.pid));
    expect(existsSync(lock)).toBe(false);
  });

  it("waits for a live owner in another process, and names it when it gives up", async () => {
    const lock = join(freshDir(), "postgres.lock");
    writeFileSync(lock, String(process.ppid));
    const run = vi.fn(async () => "got it");
    await expect(withFileLock(lock, run, 300)).rejects.toThrow(`${lock} is held by process ${process.ppid}; is it stuck? Stop it or remove the file`);
    expect(run).not.toHaveBeenCalled();
    expect(readFileSync(lock, "utf8")).toBe(String(process.ppid)); // not taken from its owner
  });

  it("waits for a lock being written (an empty file), but not for one that was never finished", async () => {
    const lock = join(freshDir(), "postgres.lock");
    writeFileSync(lock, "");
    await expect(withFileLock(lock, async () => "got it", 300)).rejects.toThrow(`${lock} is held by process ?`);
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    utimesSync(lock, sixMinutesAgo, sixMinutesAgo);
    expect(await withFileLock(lock, async () => "got it", 0)).toBe("got it");
  });

  it("takes over a lock older than five minutes whose pid now names another live process", async () => {
    const lock = join(freshDir(), "postgres.lock");
    writeFileSync(lock, String(process.ppid));
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    utimesSync(lock, sixMinutesAgo, sixMinutesAgo);
    expect(await withFileLock(lock, async () => readFileSync(lock, "utf8"), 0)).toBe(String(process.pid));
  });
});

describe("the clients folder (postgres.clients): who still uses the server", () => {
  it("counts the other live users, and removes the files of dead ones and of names no user writes", async () => {
    const clients = join(freshDir(), "postgres.clients");
    const mine = registerClient(clients);
    const alsoMine = registerClient(clients);
    expect(mine).not.toBe(alsoMine);
    const dead = `${await deadPid()}-1`;
    const live = `${process.ppid}-1`;
    for (const name of [dead, live, "not-a-pid", "0-1"]) writeFileSync(join(clients, name), "");

    expect(otherClients(clients, mine).sort()).toEqual([process.pid, process.ppid].sort());
    expect(readdirSync(clients).sort()).toEqual([alsoMine, live, mine].sort());

    unregisterClient(clients, alsoMine);
    expect(otherClients(clients, mine)).toEqual([process.ppid]);
    expect(readdirSync(clients).sort()).toEqual([live, mine].sort());
  });

  it("has no users before anyone registered", () => {
    expect(otherClients(join(freshDir(), "postgres.clients"), "")).toEqual([]);
  });
});
