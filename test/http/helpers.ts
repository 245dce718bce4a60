import type { Db } from "../../src/db/client";
import { startHttpServer, type HttpDeps } from "../../src/http/server";
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
