import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema";

/** The one query-layer type. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type Database = {
  db: Db;
  pool: pg.Pool;
  /** Plain parameterised SQL, for bulk work the query builder has no form for (seed, benchmarks). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
};

export type PoolOptions = Pick<pg.PoolConfig, "max" | "connectionTimeoutMillis" | "statement_timeout">;

export function openPostgres(url: string, options: PoolOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // Fail fast when the server is gone so the admin hears "database unavailable" instead of silence.
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    statement_timeout: options.statement_timeout ?? 15_000,
  });
  // A connection dying must never crash the process. The pool reports idle clients' errors;
  // a checked-out client (inside a transaction, between two queries) emits its own, which
  // nobody would hear. Either way the next query on it fails, the caller sees that, and the
  // pool replaces the client.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  // drizzle-orm 0.45 sends BEGIN before its try/finally, so a connection that dies right then
  // is never given back and the pool slowly runs dry across outages. Transactions therefore
  // take their client here and always return it (a dead one is dropped by the pool).
  db.transaction = (async (run: Parameters<Db["transaction"]>[0], config?: Parameters<Db["transaction"]>[1]) => {
    const client = await pool.connect();
    try {
      return await (drizzlePg(client, { schema }) as unknown as Db).transaction(run, config);
    } finally {
      client.release();
    }
  }) as Db["transaction"];
  return {
    db,
    pool,
    query: async (text, params) => (await pool.query(text, params)).rows,
    close: () => pool.end(),
  };
}
