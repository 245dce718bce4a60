import { Bot, type BotConfig, type Composer } from "grammy";
import { conversations } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import type { BotContext, Deps, Feature } from "./context";
import { botStateStorage } from "../db/queries/bot-state";
import { createErrorHandler } from "./errors";
import { ADMIN_COMMANDS, ADMIN_FEATURES } from "./features";
import { studentsFeature } from "./features/students";
import { unhandledFeature } from "./features/unhandled";
import { parseCard } from "./callback-data";
import { languageStore, withLanguage } from "./language";
import { withUpdateLogger } from "./middleware";
import { reserveChatSlot } from "../db/queries/send-budget";
import { PRIORITY, type Priority } from "../db/schema";
import { budgetedFetch } from "../telegram/budgeted-fetch";

export type BotOptions = Pick<BotConfig<BotContext>, "botInfo" | "client">;

/**
 * The bot's HTTP client: every call through the process's send budget at `priorityOf` its chat,
 * 429s waited out, a group's calls (and, beside other processes, a private chat's messages)
 * paced with the other processes' in the database.
 */
export function botFetch(deps: Pick<Deps, "budget" | "db" | "logger">, priorityOf: (chatId: number) => Priority) {
  return budgetedFetch({
    budget: deps.budget,
    priorityOf,
    logger: deps.logger,
    async pacer(chatId) {
      try {
        const waitMs = await reserveChatSlot(deps.db, chatId, deps.budget.sharedIntervalOf(chatId));
        // From when the answer is here, not from before the query: the wait is counted from the
        // database's now(), and starting it earlier sends early by the round trip.
        return Date.now() + waitMs;
      } catch (err) {
        // The chat is still paced by this process alone.
        deps.logger.debug({ err, chat_id: chatId }, "could not book the chat's next slot in the database");
        return 0;
      }
    },
  });
}

/**
 * Builds the bot; starts nothing. Order: per-chat ordering → logger → error boundary →
 * admins (conversations → features → unhandled) | everyone else (the student side), in private
 * chats; in the admin group (ADMIN_CHAT_ID), presses on the card's buttons only.
 */
export function createBot(deps: Deps, options: BotOptions = {}): Bot<BotContext> {
  const { config, logger } = deps;
  const admins = new Set(config.adminIds);
  const bot = new Bot<BotContext>(config.botToken, {
    ...options,
    client: {
      // A Bot API call that never answers would hold its chat's updates for grammY's default 500 s.
      timeoutSeconds: 60,
      ...(config.telegramApiRoot ? { apiRoot: config.telegramApiRoot } : {}),
      ...options.client,
      fetch: botFetch(deps, (chatId) => (admins.has(chatId) || chatId === config.adminChatId ? PRIORITY.admin : PRIORITY.student)),
    },
  });

  // Updates of one chat run one after another (conversations rely on it); chats run in parallel.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  bot.use(withUpdateLogger(logger));
  bot.use(withLanguage(languageStore(deps.db), admins));
  const guarded = bot.errorBoundary(createErrorHandler(logger));

  const admin = guarded.chatType("private").filter((ctx) => admins.has(ctx.from.id));
  const created = ADMIN_FEATURES.map((entry) => ({ ...entry, feature: entry.create(deps) }));
  // Need no conversation state, so they answer even while the database is down.
  install(admin, created.filter((f) => f.stateless).map((f) => f.feature));
  // Conversation state lives in the database: a restart, or another instance behind the same
  // webhook, carries on where the admin was.
  admin.use(conversationState(deps));
  install(admin, [...created.filter((f) => !f.stateless).map((f) => f.feature), unhandledFeature()]);

  // Everyone else is a student, installed the same way. The conversations plugin reads its state
  // on every update, so it goes in front of the student side only once a feature there has a
  // conversation: until then students' commands are answered with the database down.
  const student = guarded.chatType("private").filter((ctx) => !admins.has(ctx.from.id));
  const studentFeatures = [studentsFeature(deps, ADMIN_COMMANDS)];
  if (studentFeatures.some((f) => f.conversations?.length)) student.use(conversationState(deps));
  install(student, studentFeatures);

  // The admin group gets notices with the card's buttons: admins press them there like in their
  // own chat, anyone else is refused, and nothing else in any group is answered.
  if (config.adminChatId !== undefined) {
    const inGroup = guarded.chatType(["group", "supergroup"]).filter((ctx) => ctx.chat.id === config.adminChatId);
    const fromAdmin = inGroup.filter((ctx) => ctx.from !== undefined && admins.has(ctx.from.id));
    // What features answer in the group: a preview's buttons, an admin's Telegram reply to a student's message.
    fromAdmin.use(...created.flatMap((f) => (f.feature.group ? [f.feature.group] : [])));
    const presses = fromAdmin.on("callback_query:data");
    // The reason is typed in a conversation, which lives in the admin's private chat.
    presses
      .filter((ctx) => parseCard(ctx.callbackQuery.data)?.op === "reason")
      .use((ctx) => ctx.answerCallbackQuery({ text: ctx.t.card.reasonInPrivate(parseCard(ctx.callbackQuery.data)!.id), show_alert: true }));
    // The card's buttons, as in a private chat (its commands are not answered here).
    presses.use(created.find((f) => f.command === "booking")!.feature.composer);
    presses.use((ctx) => ctx.answerCallbackQuery({ text: ctx.t.staleButton }));
    inGroup.on("callback_query:data", (ctx) => ctx.answerCallbackQuery({ text: ctx.t.notAdminButton }));
  }
  return bot;
}

/** The conversations plugin, its state in the database, keyed by chat as the plugin does by default. */
function conversationState(deps: Pick<Deps, "db">) {
  return conversations<BotContext, BotContext>({ storage: { type: "key", prefix: "conv:", adapter: botStateStorage(deps.db) } });
}

/**
 * Every feature's conversations, then menus, before any feature's commands: a conversation that
 * is waiting sees the update first, and a command typed meanwhile ends it (nextInput) before
 * running as usual; a menu button may enter a conversation (so the conversations plugin and the
 * conversations come before it), and a command may send a menu (so the menus come before it).
 */
function install<C extends BotContext>(composer: Composer<C>, features: Feature[]): void {
  composer.use(...features.flatMap((f) => f.conversations ?? []));
  composer.use(...features.flatMap((f) => f.menus ?? []));
  composer.use(...features.map((f) => f.composer));
}
