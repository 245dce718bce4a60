import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import type { Logger } from "../logger";
import type { Texts } from "./i18n";

type Command = keyof Texts["commands"];

/** The command menu: the admin commands (features/index.ts lists them), described in the admin's language. */
export const adminCommands = (commands: readonly Command[], t: Texts): BotCommand[] => commands.map((command) => ({ command, description: t.commands[command] }));

/** Shows one admin the admin commands, in their language, in their private chat's menu only. */
export async function setAdminCommands(api: Api, chatId: number, t: Texts, commands: readonly Command[]): Promise<void> {
  await api.setMyCommands(adminCommands(commands, t), { scope: { type: "chat", chat_id: chatId } });
}

/**
 * Sets every admin's command menu (students see none). An admin who never opened the bot has
 * no chat yet (400): logged, and the others still get theirs.
 */
export async function registerAdminCommands(
  api: Api,
  adminIds: readonly number[],
  logger: Logger,
  textsFor: (adminId: number) => Promise<Texts>,
  commands: readonly Command[],
): Promise<void> {
  await api.deleteMyCommands().catch((err) => logger.warn({ err }, "could not clear default commands"));
  for (const chatId of adminIds) {
    try {
      await setAdminCommands(api, chatId, await textsFor(chatId), commands);
    } catch (err) {
      logger.warn({ err, chat_id: chatId }, "could not set admin commands (has this admin opened the bot?)");
    }
  }
}
