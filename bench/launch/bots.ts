import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import type { Update } from "grammy/types";
import { freePort } from "../../test/helpers/free-port";

const SECRET = "launch-bench-secret-0123456789";
/** Telegram's webhook keeps at most this many updates in flight per URL (we ask for the most it allows). */
const MAX_CONNECTIONS = 100;

export type BotProcess = {
  output(): string;
  /** Delivers one update as Telegram's webhook does; resolves when the bot answered the request. */
  post(update: Update): Promise<void>;
  stop(): Promise<number | null>;
};

/**
 * One bot process as `npm start` runs it (the built dist/main.js), in webhook mode on a port of
 * its own, against the given database and Bot API. Resolves once it says it is running.
 */
export async function startBot(env: Record<string, string>, name: string): Promise<BotProcess> {
  const port = await freePort();
  const path = `/hook-${name}`;
  const child: ChildProcess = spawn(process.execPath, ["--enable-source-maps", "--max-semi-space-size=1", "dist/main.js"], {
    env: { PATH: process.env.PATH ?? "", ...env, WEBHOOK_URL: `https://bench.invalid${path}`, WEBHOOK_SECRET: SECRET, WEBHOOK_PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!output.includes("bot is running (webhook)")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`bot ${name} did not start:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }

  let inFlight = 0;
  const queued: Array<() => void> = [];
  const post = async (update: Update): Promise<void> => {
    if (inFlight >= MAX_CONNECTIONS) await new Promise<void>((resolve) => queued.push(resolve));
    inFlight++;
    try {
      await new Promise<void>((resolve, reject) => {
        const body = JSON.stringify(update);
        const req = request(
          { host: "127.0.0.1", port, path, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-telegram-bot-api-secret-token": SECRET } },
          (res) => {
            res.resume();
            res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`webhook answered ${res.statusCode}`))));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    } finally {
      inFlight--;
      queued.shift()?.();
    }
  };

  return {
    output: () => output,
    post,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
