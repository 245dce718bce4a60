import { createLogger } from "../src/logger";
import { startThrowawayServer } from "../test/helpers/throwaway-server";

export type BenchServer = { adminUrl: string; label: string; stop(): Promise<void> };

/**
 * The PostgreSQL server a benchmark makes its throwaway database on: BENCH_DATABASE_URL (or
 * TEST_DATABASE_URL), else an embedded server of its own, removed after.
 */
export async function benchServer(): Promise<BenchServer> {
  const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (url) return { adminUrl: url, label: new URL(url).host, stop: async () => {} };
  const server = await startThrowawayServer(createLogger({ logLevel: "warn" }, process.stderr));
  return { adminUrl: server.url("postgres"), label: `embedded, 127.0.0.1:${server.port}`, stop: server.stop };
}
