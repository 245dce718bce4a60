import type { Composer, Context, Middleware } from "grammy";
import type { ConversationFlavor } from "@grammyjs/conversations";
import type { Menu } from "@grammyjs/menu";
import type { Config } from "../config";
import type { Db } from "../db/client";
import type { Logger } from "../logger";
import type { SendBudget } from "../telegram/send-budget";
import type { Lang, Texts } from "./i18n";

/** Everything the bot needs from the outside; tests build it with a test database. */
export type Deps = {
  config: Config;
  logger: Logger;
  db: Db;
  clock: () => Date;
  /** The process's send budget: every counted call the bot makes takes a slot of it. */
  budget: SendBudget;
};

type Extras = {
  /** Logger bound to this update's id. */
  log: Logger;
  /** The reader's language and its phrases. */
  lang: Lang;
  t: Texts;
};

/** Context inside conversations (the plugin builds a fresh one for every replay). */
export type InnerContext = Context & Extras;
export type BotContext = ConversationFlavor<Context & Extras>;

/**
 * What every `features/<command>.ts` returns. The bot installs all features' conversations, then
 * all their menus, before any feature's commands: a conversation that waits sees the update
 * first, a menu button can enter a conversation, and any command can send a menu.
 */
export type Feature = {
  /** Conversations the feature enters (built with `createConversation`). */
  conversations?: Array<Middleware<BotContext>>;
  /** Its @grammyjs/menu root menus, built once when the feature is (submenus registered on them). */
  menus?: Array<Menu<BotContext>>;
  /** Its commands and buttons. */
  composer: Composer<BotContext>;
  /** What it answers in the admin group (ADMIN_CHAT_ID), from admins only. */
  group?: Composer<BotContext>;
};
