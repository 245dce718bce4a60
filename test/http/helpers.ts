import type { Db } from "../../src/db/client";
import { startHttpServer, type HttpDeps } from "../../src/http/server";
import { useOnTestDatabase, useOnUnreachableDatabase, type DatabaseFixtureOptions } from "../helpers/database-fixture";
import type { TestDatabase } from "../helpers/db";
import { captureLogs } from "../helpers/harness";

export const API_TOKEN = "api-token-that-must-never-be-logged";

export type TestApi = {
  base: string;
  logs: Array<Record<string, unknown>>;
  /** GET with the right token unless `headers` says otherwise. */
  get(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
};

/** The real server on a free port of 127.0.0.1, spoken to over HTTP with the global fetch. */
export async function startTestApi(db: Db, extra: Pick<HttpDeps, "health"> = {}): Promise<TestApi> {
  const { lines, logger } = captureLogs();
  const handle = await startHttpServer({ db, logger, config: { token: API_TOKEN, host: "127.0.0.1", port: 0 }, ...extra });
  const base = `http://127.0.0.1:${handle.port}`;
  return {
    base,
    logs: lines,
    get: (path, init = {}) =>
      fetch(base + path, { ...init, headers: { authorization: `Bearer ${API_TOKEN}`, ...(init.headers as Record<string, string>) } }),
    close: handle.close,
  };
}

/** The one access-log line of the request that got this response. */
export function requestLine(logs: Array<Record<string, unknown>>, res: Response): Record<string, unknown> | undefined {
  return logs.find((l) => l.msg === "http request" && l.req_id === res.headers.get("x-request-id"));
}

/** The set-up of an HTTP test file (or describe): the real server on a fresh database (useOnTestDatabase). */
export function useTestApi(options: DatabaseFixtureOptions = {}): { database: TestDatabase; api: TestApi } {
  const { database, subject } = useOnTestDatabase("the HTTP test's server", (made) => startTestApi(made.db), options);
  return { database, api: subject };
}

/** The real server on a database nobody answers for (every query fails to connect at once). */
export function useTestApiWithoutDatabase(): { api: TestApi } {
  return { api: useOnUnreachableDatabase("the HTTP test's server", (db) => startTestApi(db)) };
}
