import { Composer, GrammyError } from "grammy";
import { sendAdminMessage } from "../../../bookings/people";
import { listThread, studentOfRelay } from "../../../db/queries/student-messages";
import { parseMessages, parseThread } from "../../callback-data";
import type { BotContext, Deps, Feature, InnerContext } from "../../context";
import { editInPlace, enterConversation } from "../../edit";
import { formatThread } from "../../format/people";
import { firstPageOf } from "../../list-state";
import { loadList, sendList } from "../../list-screen";
import { incomingOf } from "../../relays";
import { WRITE_TO_STUDENT, previewIn, sendable, studentName, writeConversation } from "./compose";

const THREAD_PAGE = 10;

/**
 * The admins' side of talking to students: "✉️ Write" (a student's screen, a booking's card) and
 * "↩️ Reply" (a relayed message) ask for the message and show it as the student will see it;
 * an admin's own Telegram reply to a relayed message does the same at once; the preview's "send"
 * queues it (a copy of the admin's message, exactly once). "💬 Messages" pages through the
 * student's thread. `/start reply123` and `/start u123` are the group's links to these.
 */
export function messagesFeature(deps: Deps): Feature {
  const feature = new Composer<BotContext>();

  /** An admin's message to be sent to a student, from a Telegram reply to a relay of theirs. */
  async function answerByReply(ctx: InnerContext): Promise<void> {
    const message = ctx.message!;
    const repliedTo = message.reply_to_message!;
    const userId = await studentOfRelay(deps.db, ctx.chat!.id, repliedTo.message_id);
    const t = ctx.t;
    if (userId === undefined) {
      // In the group admins also reply to each other's messages: only a private chat hears why not.
      if (ctx.chat!.type === "private") await ctx.reply(t.people.notAStudent);
      return;
    }
    const student = await studentName(deps, userId);
    if (!student) return void (await ctx.reply(t.people.noStudent(userId)));
    if (!sendable(message) || message.text?.trim() === "") return void (await ctx.reply(t.people.askAgain));
    await previewIn(ctx, student, message.message_id, t);
  }

  /** The preview's buttons: send (a copy of the admin's message, from the chat pressed in) or not. */
  const previewButtons = new Composer<BotContext>();
  previewButtons.callbackQuery(/^m:[sx]/, async (ctx) => {
    const t = ctx.t;
    const data = parseMessages(ctx.callbackQuery.data);
    const preview = ctx.callbackQuery.message;
    if (!data || !preview || (data.op !== "send" && data.op !== "drop")) return ctx.answerCallbackQuery({ text: t.people.staleButton });
    if (data.op === "drop") {
      await clearButtons(ctx);
      return ctx.answerCallbackQuery({ text: t.people.dropped });
    }
    const student = await studentName(deps, data.userId);
    if (!student) return ctx.answerCallbackQuery({ text: t.people.noStudent(data.userId), show_alert: true });
    const what = incomingOf(preview);
    const outcome = await sendAdminMessage(deps.db, { adminId: ctx.from.id, adminName: ctx.from.first_name, userId: data.userId, kind: what.kind, text: what.text, fromChatId: preview.chat.id, messageId: data.messageId });
    ctx.log.info({ student_id: data.userId, outcome, kind: what.kind }, "admin's message to a student");
    await clearButtons(ctx);
    const name = [student.firstName, student.lastName].filter(Boolean).join(" ") || `id ${student.id}`;
    return ctx.answerCallbackQuery({ text: outcome === "queued" ? t.people.sent(name).slice(0, 200) : t.people.already });
  });

  feature.use(previewButtons);
  feature.callbackQuery(/^m:/, async (ctx) => {
    const data = parseMessages(ctx.callbackQuery.data);
    if (!data || (data.op !== "write" && data.op !== "open")) return ctx.answerCallbackQuery({ text: ctx.t.people.staleButton });
    await ctx.answerCallbackQuery();
    if (data.op === "write") return enterConversation(ctx, WRITE_TO_STUDENT, data.userId);
    return openStudent(ctx, data.userId);
  });

  feature.callbackQuery(/^th:/, async (ctx) => {
    const data = parseThread(ctx.callbackQuery.data);
    const student = data && (await studentName(deps, data.userId));
    if (!data || !student) return ctx.answerCallbackQuery({ text: ctx.t.people.staleButton });
    const page = await listThread(deps.db, data.userId, data.anchor, THREAD_PAGE);
    const screen = formatThread(student, page, deps.config.timeZone, ctx.t);
    await editInPlace(ctx, screen.text, { parse_mode: "HTML", reply_markup: screen.keyboard });
    await ctx.answerCallbackQuery();
  });

  async function openStudent(ctx: InnerContext, userId: number): Promise<void> {
    const screen = await loadList(deps, firstPageOf("all", userId), ctx.t);
    await sendList(ctx, screen, "reply");
  }

  feature.command("start", async (ctx, next) => {
    const link = /^(reply|u)(\d{1,16})$/.exec(ctx.match.trim());
    if (!link) return next();
    const userId = Number(link[2]);
    if (link[1] === "u") return openStudent(ctx, userId);
    return enterConversation(ctx, WRITE_TO_STUDENT, userId);
  });

  feature.on("message", async (ctx, next) => {
    if (ctx.message.reply_to_message?.from?.id !== ctx.me.id || ctx.message.text?.startsWith("/")) return next();
    await answerByReply(ctx);
  });

  return { conversations: [writeConversation(deps)], composer: feature, group: groupSide(previewButtons, answerByReply) };
}

/** In the admin group: the preview's buttons, and an admin's Telegram reply to a relayed message. */
function groupSide(previewButtons: Composer<BotContext>, answerByReply: (ctx: InnerContext) => Promise<void>): Composer<BotContext> {
  const group = new Composer<BotContext>();
  group.use(previewButtons);
  group.on("message", async (ctx, next) => {
    if (ctx.message.reply_to_message?.from?.id !== ctx.me.id) return next();
    await answerByReply(ctx);
  });
  return group;
}

async function clearButtons(ctx: InnerContext): Promise<void> {
  try {
    await ctx.editMessageReplyMarkup();
  } catch (error) {
    if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
  }
}
