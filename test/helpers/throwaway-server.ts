import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmbeddedServerError } from "../../src/db/embedded/errors";
import { startEmbeddedPostgres, stopEmbeddedIfUnused, type EmbeddedServer } from "../../src/db/embedded/server";
import type { Logger } from "../../src/logger";
import { freePort } from "./free-port";

const PREFIX = "bot-pg-";

/** A fresh temporary folder the embedded server can use: as root it runs as the "postgres" system user, who must be able to enter it. */
export function throwawayDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Servers of earlier runs that were killed before they could stop them: stopped and removed. */
async function reapAbandoned(logger: Logger): Promise<void> {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX))) {
    const dir = join(tmpdir(), name);
    if (!existsSync(join(dir, "postgres"))) continue;
    if (await stopEmbeddedIfUnused(dir, logger).catch(() => false)) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An embedded server of its own for a test run or a benchmark, in a temporary folder on a free
 * port (several runs may share this machine); stop() stops it and removes the folder.
 */
export async function startThrowawayServer(logger: Logger, settings: Record<string, string> = {}): Promise<EmbeddedServer & { stop(): Promise<void> }> {
  await reapAbandoned(logger);
  const dir = throwawayDir(PREFIX);
  for (let attempt = 1; ; attempt++) {
    try {
      const server = await startEmbeddedPostgres({ dir, port: await freePort(), logger, settings });
      const stop = async () => {
        await server.release();
        rmSync(dir, { recursive: true, force: true });
      };
      return { ...server, stop };
    } catch (err) {
      // Another run may take the free port between the probe and the start.
      if (!(err instanceof EmbeddedServerError && /port \d+ .* taken/.test(err.message)) || attempt === 5) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
}
