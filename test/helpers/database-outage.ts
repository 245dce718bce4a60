import { openPostgres, type Db } from "../../src/db/client";
import { useOnTestDatabase, type DatabaseFixtureOptions } from "./database-fixture";
import type { TestDatabase } from "./db";
import { TcpProxy } from "./tcp-proxy";

type BehindProxy = { proxy: TcpProxy; db: Db; close(): Promise<void> };

/**
 * A fresh test database reached through a TcpProxy, for the file or a describe: `db` is a pool
 * that goes through it, so `proxy.down()` takes PostgreSQL away from what uses `db` (connections
 * cut, new ones refused) and `proxy.up()` brings it back, the server itself untouched.
 * `connectionTimeoutMillis`: how long the pool waits for a connection that will not come.
 */
export function useDatabaseBehindProxy(connectionTimeoutMillis: number, options: DatabaseFixtureOptions = {}): { database: TestDatabase; outage: BehindProxy } {
  const { database, subject } = useOnTestDatabase(
    "the database behind a proxy",
    async (made): Promise<BehindProxy> => {
      const url = new URL(made.url);
      const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
      url.host = `127.0.0.1:${proxy.port}`;
      const pool = openPostgres(url.toString(), { connectionTimeoutMillis });
      return {
        proxy,
        db: pool.db,
        async close() {
          // Hangs if a transaction whose BEGIN met the dead connection kept its client (see openPostgres).
          await pool.close();
          await proxy.close();
        },
      };
    },
    options,
  );
  return { database, outage: subject };
}
