import type { DatabaseSource } from "../config";
import type { Logger } from "../logger";
import { openPostgres, type Database } from "./client";
import { startEmbeddedPostgres } from "./embedded/server";

export type OpenedDatabase = Database & {
  /** Where the data is, for logs and the command-line tools (never the password). */
  where: string;
};

/**
 * A pool on DATABASE_URL, or on the embedded server of DATA_DIR (started or joined here). Its
 * close() ends the pool first, then lets the server go: the last process using it stops it.
 */
export async function openDatabase(source: DatabaseSource, logger: Logger): Promise<OpenedDatabase> {
  if (source.kind === "url") return { ...openPostgres(source.url), where: "PostgreSQL (DATABASE_URL)" };
  const server = await startEmbeddedPostgres({ dir: source.dir, port: source.port, logger });
  const database = openPostgres(server.url());
  return {
    ...database,
    where: `the embedded PostgreSQL in ${source.dir} (127.0.0.1:${server.port})`,
    close: async () => {
      try {
        await database.close();
      } finally {
        await server.release();
      }
    },
  };
}
