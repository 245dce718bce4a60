import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Db } from "../db/client";
import { migrationsFolder } from "../db/migrate";
import type { Logger } from "../logger";
import { bearerChecker } from "./auth";
import { BOOKINGS_PATH, bookingsRoute } from "./bookings-route";
import { checkHealth, type HealthReport } from "../db/health";
import { errorReply, writeReply, type Reply, type Route } from "./reply";

export type HttpDeps = {
  db: Db;
  logger: Logger;
  config: { token: string };
  /** What `/api/test-db` reports; by default `checkHealth` on `db` with this code's migrations. */
  health?: () => Promise<HealthReport>;
};

export type HttpServerHandle = {
  /** The port actually bound (useful with port 0). */
  port: number;
  /** Stops accepting connections, lets requests in flight finish, then resolves. */
  close(): Promise<void>;
};

// A caller's id is echoed only if it is harmless in a log line and a header.
const REQUEST_ID = /^[\w.:-]{1,128}$/;

function healthRoute(deps: HttpDeps): Route {
  return async (_url, log) => {
    let report: HealthReport;
    try {
      report = await (deps.health ?? (() => checkHealth(deps.db, { migrationsFolder: migrationsFolder(), logger: log })))();
    } catch (err) {
      log.error({ err }, "health check failed");
      return errorReply(500, "Health check failed");
    }
    return { status: report.ok ? 200 : 503, body: report };
  };
}

/** The seed's read API on node:http: every request needs the bearer token; only GET is served. */
export function createHttpServer(deps: HttpDeps): Server {
  const authorized = bearerChecker(deps.config.token);
  const routes = new Map<string, Route>([
    [BOOKINGS_PATH, bookingsRoute(deps.db)],
    ["/api/test-db", healthRoute(deps)],
  ]);

  async function answer(req: IncomingMessage, url: URL | undefined, log: Logger): Promise<Reply> {
    if (!authorized(req.headers.authorization)) return errorReply(401, "Unauthorized", { "WWW-Authenticate": "Bearer" });
    const route = url && routes.get(url.pathname);
    if (!route) return errorReply(404, "Not found");
    if (req.method !== "GET") return errorReply(405, "Method not allowed", { Allow: "GET" });
    return route(url, log);
  }

  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    const log = deps.logger.child({ req_id: requestId });
    let url: URL | undefined;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      url = undefined;
    }
    res.setHeader("X-Request-Id", requestId);
    let logged = false;
    const logLine = () => {
      if (logged) return;
      logged = true;
      const duration_ms = Math.round((performance.now() - started) * 10) / 10;
      const aborted = res.writableFinished ? undefined : true;
      // The query string stays out of the line; the path names the request well enough.
      log.info({ method: req.method, path: url?.pathname, status: res.statusCode, duration_ms, aborted }, "http request");
    };
    // "finish": written before the client reads the end; "close" alone: the client went away.
    res.once("finish", logLine).once("close", logLine);
    void answer(req, url, log)
      .catch((err: unknown) => {
        log.error({ err }, "request failed");
        return errorReply(500, "Internal error");
      })
      .then((reply) => {
        if (!res.headersSent && !res.destroyed) writeReply(res, reply);
      })
      // Nothing may escape a request handler: an unhandled rejection would stop the whole bot.
      .catch((err: unknown) => {
        log.error({ err }, "could not write the response");
        res.destroy();
      });
  });
}

/** Listens on `host:port` (0 picks a free port); the lead wires it into main.ts's graceful stop. */
export async function startHttpServer(
  deps: HttpDeps & { config: { token: string; port: number; host: string } },
  options: { graceMs?: number } = {},
): Promise<HttpServerHandle> {
  const server = createHttpServer(deps);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(deps.config.port, deps.config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : deps.config.port;
  deps.logger.info({ host: deps.config.host, port }, "read API listening");
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Requests in flight still finish (they may hold a database query); a slow client
        // holding a connection open does not delay the stop past the grace period.
        const force = setTimeout(() => server.closeAllConnections(), options.graceMs ?? 5_000);
        force.unref();
        server.close((err) => {
          clearTimeout(force);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
