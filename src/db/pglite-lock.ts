import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is one process's database: two processes on one folder would corrupt it. A lock file
 * with the owner's pid keeps a second `npm start` (or `db:seed` while the bot runs) out, and a
 * lock left by a process that died is taken over. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, "bot.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(readFileSync(path, "utf8").trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new DataDirInUseError(`${dir} is in use by process ${owner}; stop it first (PGlite serves one process at a time)`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new DataDirInUseError(`could not lock ${dir}`);
}
