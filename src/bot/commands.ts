import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import type { Logger } from "../logger";

export const ADMIN_COMMANDS: BotCommand[] = [
  { command: "bookings", description: "Последние заявки: фильтры и листание" },
  { command: "user", description: "Заявки студента по id или @username" },
  { command: "booking", description: "Карточка заявки по номеру" },
  { command: "stats", description: "Статистика заявок и доставки" },
  { command: "export", description: "Выгрузка заявок в CSV" },
  { command: "templates", description: "Тексты сообщений студентам" },
  { command: "health", description: "Состояние бота: база, миграции, очередь" },
  { command: "broadcast", description: "Рассылка студентам" },
  { command: "help", description: "Что умеет бот" },
];

/**
 * Shows the admin commands in Telegram's command menu of each admin's private chat only.
 * An admin who never opened the bot has no chat yet (400): logged, and the others still get theirs.
 */
export async function registerAdminCommands(api: Api, adminIds: readonly number[], logger: Logger): Promise<void> {
  await api.deleteMyCommands().catch((err) => logger.warn({ err }, "could not clear default commands"));
  for (const chatId of adminIds) {
    try {
      await api.setMyCommands(ADMIN_COMMANDS, { scope: { type: "chat", chat_id: chatId } });
    } catch (err) {
      logger.warn({ err, chat_id: chatId }, "could not set admin commands (has this admin opened the bot?)");
    }
  }
}
