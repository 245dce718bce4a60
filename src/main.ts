import "dotenv/config";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Api } from "grammy";
import { run, type RunnerHandle } from "@grammyjs/runner";
import { ConfigError, parseConfig } from "./config";
import { EmbeddedServerError } from "./db/embedded/errors";
import { runMigrations } from "./db/migrate";
import { logMigrationNotes } from "./db/migration-notes";
import { openDatabase, type OpenedDatabase } from "./db/open";
import { isDatabaseUnavailable } from "./db/errors";
import { botFetch, createBot } from "./bot";
import { composeDigest } from "./bot/digest";
import { PRIORITY } from "./db/schema";
import { startBudgetShares } from "./telegram/budget-shares";
import { createSendBudget } from "./telegram/send-budget";
import { registerAdminCommands } from "./bot/commands";
import { ADMIN_COMMANDS } from "./bot/features";
import { TEXTS } from "./bot/i18n";
import { adminLang, languageStore } from "./bot/language";
import { broadcastWords } from "./bot/broadcast-words";
import { boardChats, failedDeliveryNotices, relayCountText, reviewBoardView } from "./bot/notices";
import { createRelayCounts } from "./delivery/relay-counts";
import { createReviewBoard } from "./delivery/review-board";
import { listenForQueued } from "./db/queries/outbox-wakeups";
import { startHttpServer } from "./http/server";
import { ALLOWED_UPDATES, createWebhookServer, registerWebhook } from "./bot/webhook";
import { createLogger, type Logger } from "./logger";
import { StartupError, databaseLoginError, describeError, initBot, retryDelayMs } from "./startup";
import { finishBroadcastOnLastRecipient, startBroadcastProgress, startBroadcastScheduler } from "./delivery/broadcasts";
import { startReminders } from "./bookings/reminders";
import { createDeliveryWorker, type DeliveryWorker } from "./delivery/worker";

/**
 * At start the database may still be booting: wait for it instead of crash-looping. One that
 * refuses the login or lacks the database will not get better by waiting: that stops the start.
 */
async function migrateWhenReachable(database: OpenedDatabase, logger: Logger, signal: AbortSignal): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runMigrations(database, { logger });
      return;
    } catch (err) {
      const refused = databaseLoginError(err);
      if (refused) throw refused;
      if (!isDatabaseUnavailable(err) || signal.aborted) throw err;
      const delay = retryDelayMs(attempt);
      const why = describeError(err);
      logger.warn({ database: database.where, error: why, attempt, retry_in_s: delay / 1000 }, `cannot reach the database (${why}); retrying in ${delay / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example and the README's configuration table.\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config);
  const stopping = new AbortController();
  let runner: RunnerHandle | undefined;
  let worker: DeliveryWorker | undefined;
  /** What the send budget did, for the last line of the log. */
  let sent: { calls: number; meanWireMs: number } | undefined;
  const background: Array<{ stop(): Promise<void> }> = [];
  let budgetStats: (() => { calls: number; meanWireMs: number }) | undefined;
  // Kept while the embedded server may still be starting: a stop then waits for it and stops it too.
  let opening: Promise<OpenedDatabase> | undefined;

  const shutdown = async (signal: string) => {
    if (stopping.signal.aborted) return;
    stopping.abort();
    logger.info({ signal }, "stopping: finishing the updates and sends in hand");
    try {
      // Both need the database until they are done: sends already on the wire are recorded.
      await Promise.all([runner?.isRunning() ? runner.stop() : undefined, worker?.stop(), ...background.map((b) => b.stop())]);
      sent = budgetStats?.();
      await (await opening?.catch(() => undefined))?.close();
      logger.info({ calls: sent?.calls, mean_round_trip_ms: sent && Math.round(sent.meanWireMs) }, "stopped");
      process.exit(0);
    } catch (err) {
      logger.error({ err }, "unclean stop");
      process.exit(1);
    }
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));

  try {
    opening = openDatabase(config.database, logger);
    const database = await opening;
    logger.info({ database: database.where }, "database opened");
    await migrateWhenReachable(database, logger, stopping.signal);
    if (stopping.signal.aborted) return;
    await logMigrationNotes(database.db, logger);

    if (config.http) {
      const api = await startHttpServer({ db: database.db, logger: logger.child({ component: "http" }), config: config.http });
      background.push({ stop: () => api.close() });
      logger.info({ host: config.http.host, port: api.port }, "read API listening");
    }

    // One budget for every call this process makes, its share of the bot's rate agreed with the
    // other processes on this database (none sent before the first agreement).
    const budget = createSendBudget({ ratePerSecond: 0 });
    budgetStats = budget.stats;
    const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
    const shares = startBudgetShares({ db: database.db, budget, total: config.delivery.ratePerSecond, owner, logger: logger.child({ component: "budget" }) });
    await shares.start();
    background.push(shares);
    const bot = createBot({ config, logger, db: database.db, clock: () => new Date(), budget });
    await initBot(bot, { apiRoot: config.telegramApiRoot ?? "https://api.telegram.org", logger, signal: stopping.signal });
    if (stopping.signal.aborted) return;
    const languages = languageStore(database.db);
    await registerAdminCommands(bot.api, config.adminIds, logger, async (id) => TEXTS[await adminLang(languages, id)], ADMIN_COMMANDS);
    if (stopping.signal.aborted) return;
    const failureNotices = failedDeliveryNotices(config);
    const finishBroadcast = finishBroadcastOnLastRecipient(broadcastWords);
    const apiRoot = config.telegramApiRoot ? { apiRoot: config.telegramApiRoot } : {};
    // Background edits (a broadcast's progress) wait behind people's answers, as notices.
    const backgroundApi = new Api(config.botToken, { ...apiRoot, fetch: botFetch({ budget, db: database.db, logger }, () => PRIORITY.notice) });
    const delivery = createDeliveryWorker({
      db: database.db,
      // The worker takes its slots from the budget itself, at each message's own priority.
      api: new Api(config.botToken, apiRoot),
      budget,
      digest: composeDigest({ config, db: database.db, botUsername: bot.botInfo.username }),
      logger: logger.child({ component: "delivery" }),
      options: { ratePerSecond: config.delivery.ratePerSecond, maxAttempts: config.delivery.maxAttempts, owner },
      // A broadcast recipient's outcome may finish its broadcast; a message about a booking that
      // failed for good tells the admins (each acts only on the rows it concerns).
      onOutcome: async (tx, row, outcome) => {
        await finishBroadcast(tx, row, outcome);
        await failureNotices(tx, row, outcome);
      },
    });
    worker = delivery;
    delivery.start();
    // Whatever process queued a message, its transaction's commit wakes this worker at once.
    const stopListening = await listenForQueued(database.pool, delivery.nudge, (err) => logger.warn({ err }, "lost the database's wake-ups for new messages; polling meanwhile"));
    background.push({ stop: stopListening });
    background.push(
      startReminders(database.db, {
        hours: config.reminderHours,
        timeZone: config.timeZone,
        logger: logger.child({ component: "reminders" }),
        onQueued: () => delivery.nudge(),
      }),
      startBroadcastProgress({ db: database.db, api: backgroundApi, logger: logger.child({ component: "broadcasts" }), words: broadcastWords }),
      // A scheduled broadcast's queued copies wake the worker through the database (listenForQueued).
      startBroadcastScheduler({ db: database.db, logger: logger.child({ component: "broadcasts" }), words: broadcastWords }),
    );
    const board = createReviewBoard({
      db: database.db,
      api: backgroundApi,
      logger: logger.child({ component: "receipts" }),
      chats: boardChats(config),
      render: reviewBoardView(config, languages, bot.botInfo.username),
    });
    board.start();
    background.push(board);
    const relayCounts = createRelayCounts({ db: database.db, api: backgroundApi, logger: logger.child({ component: "relays" }), render: relayCountText(config, languages) });
    relayCounts.start();
    background.push(relayCounts);
    if (config.webhook) {
      const server = createWebhookServer(bot, config.webhook, logger);
      await new Promise<void>((resolve) => server.listen(config.webhook!.port, resolve));
      background.push({ stop: () => new Promise<void>((resolve) => server.close(() => resolve())) });
      await registerWebhook(bot, config.webhook);
      logger.info({ bot: bot.botInfo.username, port: config.webhook.port }, "bot is running (webhook)");
    } else {
      // A webhook left over from an earlier deployment would make getUpdates fail.
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
      logger.info({ bot: bot.botInfo.username, admins: config.adminIds.length }, "bot is running (long polling)");
    }
  } catch (err) {
    // A failed start must not leave the embedded server running for nobody (a stop in progress closes it itself).
    if (!stopping.signal.aborted) await (await opening?.catch(() => undefined))?.close().catch(() => {});
    throw err;
  }
}

main().catch((err) => {
  if (err instanceof EmbeddedServerError || err instanceof StartupError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`Fatal: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
