import type pg from "pg";
import type { Logger } from "../logger";

/** The migration note shown (start log, `db:check`, /health) while name search has no index. */
export const NO_TRIGRAM_NOTE = "search-without-trigram-index";

// How a server we do not own refuses the extension: no right to create it (42501), not installed
// on the server (58P01), or not allowed by the provider (0A000). Anything else is a real failure.
const REFUSALS = new Set(["42501", "58P01", "0A000"]);

type Client = Pick<pg.PoolClient, "query">;

async function extensionSchema(client: Client): Promise<string | undefined> {
  const { rows } = await client.query<{ schema: string }>(
    "SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'",
  );
  return rows[0]?.schema;
}

/**
 * pg_trgm's GIN operator class, named with its schema (the extension may live outside our
 * search_path), creating the extension where the database lets us: it ships with PostgreSQL's
 * contrib (the embedded server's too) and is trusted, so the database owner may create it.
 * Undefined when the database refuses; a migration note then says what that costs until a
 * later start succeeds, which removes it.
 */
export async function ensureTrigramOps(client: Client, logger?: Pick<Logger, "info">): Promise<string | undefined> {
  let schema = await extensionSchema(client);
  if (schema === undefined) {
    try {
      await client.query("CREATE EXTENSION IF NOT EXISTS pg_trgm");
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== "string" || !REFUSALS.has(code)) throw err;
      const reason = (err as Error).message;
      await client.query(
        `INSERT INTO migration_notes (key, level, count, detail) VALUES ($1, 'warning', 0, $2)
         ON CONFLICT (key) DO UPDATE SET level = excluded.level, detail = excluded.detail`,
        [NO_TRIGRAM_NOTE, reason],
      );
      logger?.info({ note: NO_TRIGRAM_NOTE, reason }, `pg_trgm could not be created (${reason}): the name search index is skipped`);
      return undefined;
    }
    schema = (await extensionSchema(client))!;
  }
  await client.query("DELETE FROM migration_notes WHERE key = $1", [NO_TRIGRAM_NOTE]);
  return `"${schema.replace(/"/g, '""')}".gin_trgm_ops`;
}
