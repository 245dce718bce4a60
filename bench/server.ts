import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "../src/db/embedded/server";
import { createLogger } from "../src/logger";
import { freePort } from "../test/helpers/free-port";

export type BenchServer = { adminUrl: string; label: string; stop(): Promise<void> };

/**
 * The PostgreSQL server a benchmark makes its throwaway database on: BENCH_DATABASE_URL (or
 * TEST_DATABASE_URL), else the embedded server, started in a temporary folder and removed after.
 */
export async function benchServer(): Promise<BenchServer> {
  const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (url) return { adminUrl: url, label: new URL(url).host, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), "bot-bench-pg-"));
  // As root the server runs as the "postgres" system user, who must be able to enter it.
  chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres({ dir, port: await freePort(), logger: createLogger({ logLevel: "warn" }, process.stderr) });
  return {
    adminUrl: server.url("postgres"),
    label: `embedded, 127.0.0.1:${server.port}`,
    stop: async () => {
      await server.release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
