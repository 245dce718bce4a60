import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { hydrateSymlinks } from "../../src/db/embedded/binaries";
import { otherClients, registerClient, unregisterClient, withFileLock } from "../../src/db/embedded/process-files";

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "embedded-files-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A pid that is certainly dead: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

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

it("takes over a lock whose owner died, and waits for a live owner", async () => {
  const lock = join(freshDir(), "postgres.lock");
  writeFileSync(lock, String(await deadPid()));
  expect(await withFileLock(lock, async () => readFileSync(lock, "utf8"))).toBe(String(process.pid));
  expect(existsSync(lock)).toBe(false);

  writeFileSync(lock, String(process.ppid)); // a live process holds it
  await expect(withFileLock(lock, async () => "got it", 300)).rejects.toThrow(`${lock} is held by process ${process.ppid}`);
});

it("counts the other live users of the server and forgets the dead ones", async () => {
  const clients = join(freshDir(), "postgres.clients");
  const mine = registerClient(clients);
  const alsoMine = registerClient(clients);
  writeFileSync(join(clients, `${await deadPid()}-1`), "");
  writeFileSync(join(clients, `${process.ppid}-1`), "");
  expect(otherClients(clients, mine).sort()).toEqual([process.pid, process.ppid].sort());
  unregisterClient(clients, alsoMine);
  expect(otherClients(clients, mine)).toEqual([process.ppid]);
});

