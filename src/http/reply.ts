import type { ServerResponse } from "node:http";
import type { Logger } from "../logger";

/** What a route answers; the server writes it as JSON. */
export type Reply = { status: number; body: unknown; headers?: Record<string, string> };

export type Route = (url: URL, log: Logger) => Promise<Reply>;

export const errorReply = (status: number, error: string, headers?: Record<string, string>): Reply => ({
  status,
  body: { error },
  ...(headers ? { headers } : {}),
});

export function writeReply(res: ServerResponse, reply: Reply): void {
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...reply.headers,
  });
  res.end(body);
}
