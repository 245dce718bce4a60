/**
 * The delivery worker alone in a process of its own, for the crash test: what a bot process
 * runs, minus the bot. Environment:
 *   DELIVERY_DB   a postgres:// URL of a migrated database
 *   API_ROOT      the fake Bot API
 *   RATE, LEASE_MS, MAX_IN_FLIGHT, PER_CHAT_MS   worker options
 * Prints "ready" once claiming; SIGTERM stops it gracefully, SIGKILL is the point.
 */
import { Api } from "grammy";
import { openPostgres } from "../../src/db/client";
import { createDeliveryWorker } from "../../src/delivery/worker";
import { createLogger } from "../../src/logger";
import { TEST_TOKEN } from "../helpers/harness";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const database = openPostgres(env("DELIVERY_DB"), { max: 4 });
const worker = createDeliveryWorker({
  db: database.db,
  api: new Api(TEST_TOKEN, { apiRoot: env("API_ROOT") }),
  logger: createLogger({ logLevel: "warn" }),
  options: {
    ratePerSecond: Number(env("RATE")),
    perChatIntervalMs: Number(process.env.PER_CHAT_MS ?? 0),
    maxAttempts: 5,
    leaseMs: Number(env("LEASE_MS")),
    pollMs: 20,
    maxInFlight: Number(env("MAX_IN_FLIGHT")),
    retryBaseMs: 20,
    retryCapMs: 200,
  },
});
worker.start();
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void (async () => {
    await worker.stop();
    await database.close();
    process.exit(0);
  })();
});
