/**
 * Which Bot API calls Telegram's flood limits count, as this bot budgets them:
 * - `send`: a new message (send*, copy, forward). Counted overall (about 30 a second for the
 *   whole bot), per private chat (one a second) and per group (20 a minute).
 * - `change`: an edit or a deletion of a message already there. Counted overall and, in a
 *   group, against the group's 20 a minute; in a private chat Telegram lets an admin's screen be
 *   edited as fast as they press, so the per-chat interval does not apply.
 * - `undefined`: everything else (answerCallbackQuery, getUpdates, setMyCommands, getFile…),
 *   which no message limit counts; a 429 on them is still waited out and retried.
 */
export type CountedAs = "send" | "change";

const FREE = new Set([
  "getMe",
  "getUpdates",
  "setWebhook",
  "deleteWebhook",
  "getWebhookInfo",
  "answerCallbackQuery",
  "setMyCommands",
  "deleteMyCommands",
  "getMyCommands",
  "getFile",
  "getChat",
  "getChatMember",
  "sendChatAction",
  "logOut",
  "close",
]);

export function countedAs(method: string): CountedAs | undefined {
  if (FREE.has(method)) return undefined;
  if (method.startsWith("send") || method.startsWith("copyMessage") || method.startsWith("forwardMessage")) return "send";
  if (method.startsWith("edit") || method.startsWith("deleteMessage") || method === "stopPoll") return "change";
  return undefined;
}

/** Telegram's chat ids: groups and channels are negative, private chats positive. */
export const isGroupChat = (chatId: number): boolean => chatId < 0;
