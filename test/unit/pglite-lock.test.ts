import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { DataDirInUseError, lockDataDir } from "../../src/db/pglite-lock";

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "lock-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

it("keeps a second opener out while the first holds the folder, and lets it in after release", () => {
  const dir = freshDir();
  const release = lockDataDir(dir);
  // Another live process holds it: this test's parent stands in for it.
  writeFileSync(join(dir, "bot.lock"), String(process.ppid));
  expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
  release();
  expect(existsSync(join(dir, "bot.lock"))).toBe(false);
  lockDataDir(dir)();
});

it("takes over a lock left by a process that died", () => {
  const dir = freshDir();
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
  writeFileSync(join(dir, "bot.lock"), dead);
  const release = lockDataDir(dir);
  release();
});
