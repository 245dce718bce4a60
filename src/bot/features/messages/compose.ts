import { createConversation, type Conversation } from "@grammyjs/conversations";
import type { Message } from "grammy/types";
import { isUserBlocked } from "../../../db/queries/outbox";
import { findStudent } from "../../../db/queries/students";
import { packMessages } from "../../callback-data";
import type { BotContext, Deps, InnerContext } from "../../context";
import { displayName } from "../../format/values";
import type { Texts } from "../../i18n";
import { conversationPlugins } from "../../middleware";
import { truncate } from "../../format/html";
import { nextMessage } from "../../conversation-input";

export const WRITE_TO_STUDENT = "write-to-student";
const TIMEOUT_MS = 30 * 60_000;

/** What an admin may send a student: what a copy carries as written. */
const SENDABLE = ["text", "photo", "document", "video", "voice", "audio", "animation"] as const;
export const sendable = (message: Message) => SENDABLE.some((k) => message[k] !== undefined);

export type StudentName = { id: number; username: string | null; firstName: string | null; lastName: string | null };

export async function studentName(deps: Deps, userId: number): Promise<StudentName | undefined> {
  const student = await findStudent(deps.db, { userId });
  return student && { id: userId, username: student.username, firstName: student.firstName, lastName: student.lastName };
}

/**
 * "✉️ Write" / "↩️ Reply": asks for the message (text, a photo, a file…), refuses what a student
 * cannot be sent and asks again, then shows it as the student will see it. Sending is the
 * preview's own button. Other buttons and commands work meanwhile; /cancel leaves.
 */
export function writeConversation(deps: Deps) {
  async function writeTo(conversation: Conversation<BotContext, InnerContext>, ctx: InnerContext, userId: number) {
    const t = ctx.t;
    const student = await conversation.external(async () => (await studentName(deps, userId)) ?? null);
    if (!student) return ctx.reply(t.people.noStudent(userId));
    const blocked = await conversation.external(() => isUserBlocked(deps.db, userId));
    await ctx.reply(t.people.ask(displayName(t, student.firstName, student.lastName)), { parse_mode: "HTML" });
    for (;;) {
      const input = await nextMessage(conversation, { timeoutMs: TIMEOUT_MS });
      const answer = input.ctx;
      if (input.kind === "cancel") return answer.reply(t.cancelled);
      const message = input.message;
      if (message.text?.trim() === "") {
        await answer.reply(t.people.empty);
        continue;
      }
      if (!sendable(message)) {
        await answer.reply(t.people.askAgain);
        continue;
      }
      if (blocked) await answer.reply(t.people.blocked);
      return previewIn(answer, student, message.message_id, t);
    }
  }
  return createConversation(writeTo, { id: WRITE_TO_STUDENT, plugins: conversationPlugins(deps) });
}

/**
 * The admin's message shown back as the student will see it — a copy of it, in this chat — with
 * "send" and "don't send". The buttons carry who and which message, so they work after a
 * restart and a double press sends once.
 */
export async function previewIn(ctx: InnerContext, student: StudentName, messageId: number, t: Texts): Promise<void> {
  const name = truncate([student.firstName, student.lastName].filter(Boolean).join(" ") || `id ${student.id}`, 24);
  await ctx.api.copyMessage(ctx.chat!.id, ctx.chat!.id, messageId, {
    reply_markup: {
      inline_keyboard: [
        [
          { text: `${t.people.send}: ${name}`, callback_data: packMessages({ op: "send", userId: student.id, messageId }) },
          { text: t.people.drop, callback_data: packMessages({ op: "drop" }) },
        ],
      ],
    },
  });
}
