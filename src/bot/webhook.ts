import { createServer, type Server } from "node:http";
import { webhookCallback, type Bot } from "grammy";
import type { Config } from "../config";
import type { Logger } from "../logger";
import type { BotContext } from "./context";

export const ALLOWED_UPDATES = ["message", "callback_query"] as const;

/**
 * Webhook mode: an HTTP server on WEBHOOK_PORT that takes Telegram's POSTs on the path of
 * WEBHOOK_URL. grammY checks Telegram's `X-Telegram-Bot-Api-Secret-Token` on every request
 * (401 otherwise); anything else on the server is a 404.
 */
export function createWebhookServer(bot: Bot<BotContext>, webhook: NonNullable<Config["webhook"]>, logger: Logger): Server {
  const path = new URL(webhook.url).pathname;
  const handle = webhookCallback(bot, "http", { secretToken: webhook.secret, onTimeout: "return", timeoutMilliseconds: 55_000 });
  return createServer((req, res) => {
    if (req.method !== "POST" || (req.url ?? "").split("?")[0] !== path) {
      res.writeHead(404).end();
      return;
    }
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, "webhook request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
}

/**
 * Tells Telegram where to send updates; several instances behind one URL share the database.
 * As many updates in flight as Telegram allows (100, not its default 40): on launch day a reply
 * may wait its turn in the send budget, and the next student's update should not wait behind it.
 */
export async function registerWebhook(bot: Bot<BotContext>, webhook: NonNullable<Config["webhook"]>): Promise<void> {
  await bot.api.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES], max_connections: 100 });
}
