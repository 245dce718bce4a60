import "dotenv/config";
import * as v from "valibot";
import { ConfigError, parseDatabaseSource } from "../config";
import { EmbeddedServerError } from "../db/embedded/errors";
import { openDatabase, type OpenedDatabase } from "../db/open";
import { createLogger } from "../logger";

/**
 * The command-line tools need only the database part of the configuration (no bot token):
 * DATABASE_URL, or the embedded server of DATA_DIR, joined if the bot runs, else started for
 * the command and stopped after it. Their logs go to stderr, so stdout stays the command's own.
 */
export async function openDatabaseFromEnv(env = process.env): Promise<OpenedDatabase> {
  try {
    const level = v.safeParse(v.picklist(["trace", "debug", "info", "warn", "error", "fatal", "silent"]), env.LOG_LEVEL?.trim().toLowerCase());
    const logger = createLogger({ logLevel: level.success ? level.output : "warn" }, process.stderr);
    return await openDatabase(parseDatabaseSource(env), logger);
  } catch (err) {
    // Expected failures are one line for the operator, not a stack trace.
    if (err instanceof ConfigError || err instanceof EmbeddedServerError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

export const positiveInt = v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number), v.minValue(1));
