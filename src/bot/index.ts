import { Bot, type BotConfig, type Composer } from "grammy";
import { conversations } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import type { BotContext, Deps, Feature } from "./context";
import { botStateStorage } from "../db/queries/bot-state";
import { createErrorHandler } from "./errors";
import { bookingFeature } from "./features/booking";
import { bookingsFeature } from "./features/bookings";
import { broadcastFeature } from "./features/broadcast";
import { couponsFeature } from "./features/coupons";
import { coursesFeature } from "./features/courses";
import { exportFeature } from "./features/export";
import { healthFeature } from "./features/health";
import { helpFeature } from "./features/help";
import { langFeature } from "./features/lang";
import { statsFeature } from "./features/stats";
import { studentSide } from "./features/student-side";
import { templatesFeature } from "./features/templates";
import { unhandledFeature } from "./features/unhandled";
import { userFeature } from "./features/user";
import { languageStore, withLanguage } from "./language";
import { withUpdateLogger } from "./middleware";

export type BotOptions = Pick<BotConfig<BotContext>, "botInfo" | "client">;

/**
 * Builds the bot; starts nothing. Order: per-chat ordering → logger → error boundary →
 * admins (conversations → features → unhandled) | everyone else (the student side).
 * The bot works in private chats only.
 */
export function createBot(deps: Deps, options: BotOptions = {}): Bot<BotContext> {
  const { config, logger } = deps;
  const bot = new Bot<BotContext>(config.botToken, {
    ...options,
    // A Bot API call that never answers would hold its chat's updates for grammY's default 500 s.
    client: { timeoutSeconds: 60, ...(config.telegramApiRoot ? { apiRoot: config.telegramApiRoot } : {}), ...options.client },
  });
  const admins = new Set(config.adminIds);

  // Updates of one chat run one after another (conversations rely on it); chats run in parallel.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  bot.use(withUpdateLogger(logger));
  bot.use(withLanguage(languageStore(deps.db), admins));
  const guarded = bot.errorBoundary(createErrorHandler(logger));

  const admin = guarded.chatType("private").filter((ctx) => admins.has(ctx.from.id));
  // Need no conversation state, so they answer even while the database is down.
  install(admin, [healthFeature(deps), langFeature(deps)]);
  // Conversation state lives in the database: a restart, or another instance behind the same
  // webhook, carries on where the admin was.
  admin.use(conversations({ storage: { type: "key", prefix: "conv:", adapter: botStateStorage(deps.db) } }));
  install(admin, [
    bookingsFeature(deps),
    bookingFeature(deps),
    userFeature(deps),
    templatesFeature(deps),
    broadcastFeature(deps),
    coursesFeature(deps),
    couponsFeature(deps),
    statsFeature(deps),
    exportFeature(deps),
    helpFeature(),
    unhandledFeature(),
  ]);

  guarded
    .chatType("private")
    .filter((ctx) => !admins.has(ctx.from.id))
    .use(studentSide(deps).composer);
  return bot;
}

/**
 * Every feature's conversations before any feature's commands: one that is waiting sees the
 * update first, and a command typed meanwhile ends it (nextInput) before running as usual.
 */
function install<C extends BotContext>(composer: Composer<C>, features: Feature[]): void {
  composer.use(...features.flatMap((f) => f.conversations ?? []));
  composer.use(...features.map((f) => f.composer));
}
