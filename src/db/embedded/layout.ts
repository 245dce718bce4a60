import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { EmbeddedServerError } from "./errors";

/**
 * Where the embedded server keeps its things inside DATA_DIR. The cluster lives in a subfolder
 * so the data folder can hold our own files beside it (password, lock, who is connected), and
 * so a PGlite folder left by an earlier version (PG_VERSION at the top) is never mistaken for it.
 */
export type EmbeddedLayout = {
  root: string;
  cluster: string;
  password: string;
  lock: string;
  clients: string;
  log: string;
};

export function embeddedLayout(dir: string): EmbeddedLayout {
  const root = resolve(dir);
  const cluster = join(root, "postgres");
  return {
    root,
    cluster,
    password: join(root, "postgres.password"),
    lock: join(root, "postgres.lock"),
    clients: join(root, "postgres.clients"),
    log: join(cluster, "server.log"),
  };
}

/** Earlier versions kept PGlite's files directly in DATA_DIR; starting afresh beside them would look like lost data. */
export function refusePgliteFolder(layout: EmbeddedLayout): void {
  if (!existsSync(join(layout.root, "PG_VERSION"))) return;
  throw new EmbeddedServerError(
    `${layout.root} holds a PGlite database from an earlier version of this bot, which now runs a real PostgreSQL server there (in ${layout.cluster}). ` +
      `To start afresh, move it away (mv ${layout.root} ${layout.root}.pglite); to keep its data, dump it with the earlier version first, ` +
      "or point DATABASE_URL at a PostgreSQL server holding it.",
  );
}
