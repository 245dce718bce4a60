/**
 * vitest globalSetup of the database suites: one PostgreSQL server for the whole run, and a
 * migrated template database each test file clones (test/helpers/db.ts). The server is
 * TEST_DATABASE_URL when set, else the embedded one started here in a temporary folder on a
 * free port (several runs may share this machine). If it cannot start, the run fails.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { openPostgres } from "../../src/db/client";
import { EmbeddedServerError } from "../../src/db/embedded/errors";
import { startEmbeddedPostgres, stopEmbeddedIfUnused, type EmbeddedServer } from "../../src/db/embedded/server";
import { runMigrations } from "../../src/db/migrate";
import { createLogger, type Logger } from "../../src/logger";
import { databaseUrl, withAdmin } from "./db";
import { freePort } from "./free-port";

declare module "vitest" {
  export interface ProvidedContext {
    testServer: { adminUrl: string; template: string };
  }
}

const PREFIX = "bot-test-pg-";
// Durability buys nothing for throwaway databases; these make each file's setup faster.
const FAST = { fsync: "off", synchronous_commit: "off", full_page_writes: "off" };

/** Servers of earlier runs that were killed before their teardown: stopped and removed. */
async function reapAbandoned(logger: Logger): Promise<void> {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX))) {
    const dir = join(tmpdir(), name);
    if (!existsSync(join(dir, "postgres"))) continue;
    if (await stopEmbeddedIfUnused(dir, logger).catch(() => false)) rmSync(dir, { recursive: true, force: true });
  }
}

async function startTestServer(logger: Logger): Promise<{ server: EmbeddedServer; dir: string }> {
  await reapAbandoned(logger);
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  // As root the server runs as the "postgres" system user, who must be able to enter it.
  chmodSync(dir, 0o755);
  for (let attempt = 1; ; attempt++) {
    try {
      return { server: await startEmbeddedPostgres({ dir, port: await freePort(), logger, settings: FAST }), dir };
    } catch (err) {
      // Another run may take the free port between the probe and the start.
      if (!(err instanceof EmbeddedServerError && /port \d+ .* taken/.test(err.message)) || attempt === 5) throw err;
    }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = createLogger({ logLevel: "warn" }, process.stderr);
  const external = process.env.TEST_DATABASE_URL?.trim();
  const embedded = external ? undefined : await startTestServer(logger);
  const adminUrl = external || embedded!.server.url("postgres");

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
    if (embedded) {
      await embedded.server.release();
      rmSync(embedded.dir, { recursive: true, force: true });
    }
  };
}
