/**
 * vitest globalSetup of the database suites: one PostgreSQL server for the whole run, and a
 * migrated template database each test file clones (test/helpers/db.ts). The server is
 * TEST_DATABASE_URL when set, else an embedded one started here for this run alone. If it
 * cannot start, the run fails.
 */
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { openPostgres } from "../../src/db/client";
import { runMigrations } from "../../src/db/migrate";
import { createLogger } from "../../src/logger";
import { databaseUrl, withAdmin } from "./db";
import { startThrowawayServer } from "./throwaway-server";

declare module "vitest" {
  export interface ProvidedContext {
    testServer: { adminUrl: string; template: string };
  }
}

// Durability buys nothing for throwaway databases; these make each file's setup faster.
const FAST = { fsync: "off", synchronous_commit: "off", full_page_writes: "off" };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL?.trim();
  const embedded = external ? undefined : await startThrowawayServer(createLogger({ logLevel: "warn" }, process.stderr), FAST);
  const adminUrl = external || embedded!.url("postgres");

  const template = `bot_tpl_${randomBytes(5).toString("hex")}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${template}`));
  const database = openPostgres(databaseUrl(adminUrl, template), { max: 1 });
  try {
    await runMigrations(database);
  } finally {
    await database.close();
  }
  project.provide("testServer", { adminUrl, template });

  return async () => {
    await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
    await embedded?.stop();
  };
}
