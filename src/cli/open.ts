import "dotenv/config";
import * as v from "valibot";
import { openDatabase, type Database } from "../db/client";

/**
 * The command-line tools need only the database part of the configuration (no bot token):
 * DATABASE_URL, or the PGlite folder.
 */
export function openDatabaseFromEnv(env = process.env): Promise<Database> {
  const url = env.DATABASE_URL?.trim();
  if (url && !/^postgres(ql)?:\/\//.test(url)) {
    throw new Error("DATABASE_URL: must start with postgres:// or postgresql://");
  }
  const dir = env.PGLITE_DIR?.trim() || "./data";
  return openDatabase({ database: url ? { kind: "postgres", url } : { kind: "pglite", dir } });
}

export const describeTarget = (env = process.env) =>
  env.DATABASE_URL?.trim() ? "PostgreSQL (DATABASE_URL)" : `PGlite in ${env.PGLITE_DIR?.trim() || "./data"}`;

export const positiveInt = v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number), v.minValue(1));
