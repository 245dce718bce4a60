import { Composer } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { findStudent, type StudentRef } from "../../db/queries/students";
import type { BotContext, Deps, Feature, InnerContext } from "../context";
import { firstPageOf } from "../list-state";
import { nextInput } from "../conversation-input";
import { enterConversation } from "../edit";
import { conversationPlugins } from "../middleware";
import { parseStudentRef } from "../parse-args";
import { loadList, sendList } from "./bookings";

const ASK_STUDENT = "ask-student";
const ANSWER_TIMEOUT_MS = 10 * 60_000;

const describeRef = (ref: StudentRef) => ("userId" in ref ? `id ${ref.userId}` : `@${ref.username}`);

/**
 * `/user <id | @username>`, `/u123` links, and `/user` alone, which asks for the student: the
 * student's own list, whose buttons the bookings feature answers like any list's.
 */
export function userFeature(deps: Deps): Feature {
  async function showStudent(ctx: InnerContext, ref: StudentRef) {
    const student = await findStudent(deps.db, ref);
    if (!student) return ctx.reply(ctx.t.student.noBookingsFor(describeRef(ref)));
    await sendList(ctx, await loadList(deps, firstPageOf("all", student.userId), ctx.t), "reply");
  }

  /**
   * Replayed from the top on every update: the database is touched only through `external`,
   * and buttons pressed meanwhile (on other messages) pass through to their own handlers.
   */
  async function askStudent(conversation: Conversation<BotContext, InnerContext>, ctx: InnerContext) {
    await ctx.reply(ctx.t.student.ask);
    for (;;) {
      const input = await nextInput(conversation, { timeoutMs: ANSWER_TIMEOUT_MS });
      const answer = input.ctx;
      if (input.kind !== "text") return answer.reply(ctx.t.cancelled);
      const ref = parseStudentRef(input.text);
      if (!ref) {
        await answer.reply(ctx.t.student.badRef);
        continue;
      }
      const screen = await conversation.external(async () => {
        const student = await findStudent(deps.db, ref);
        return student ? loadList(deps, firstPageOf("all", student.userId), ctx.t) : null;
      });
      if (screen === null) return answer.reply(ctx.t.student.noBookingsFor(describeRef(ref)));
      return sendList(answer, screen, "reply");
    }
  }

  // Installed apart from the commands (see createBot): a waiting conversation sees updates first.
  const conversation = createConversation(askStudent, { id: ASK_STUDENT, plugins: conversationPlugins(deps) });
  const feature = new Composer<BotContext>();
  feature.command("user", async (ctx) => {
    if (ctx.match.trim() === "") return enterConversation(ctx, ASK_STUDENT);
    const ref = parseStudentRef(ctx.match);
    if (!ref) return ctx.reply(ctx.t.student.usage);
    await showStudent(ctx, ref);
  });
  feature.hears(/^\/u(\d{1,16})(?:@\w+)?$/, async (ctx) => {
    const ref = parseStudentRef(ctx.match[1]!);
    if (!ref) return ctx.reply(ctx.t.student.usage);
    await showStudent(ctx, ref);
  });
  return { conversations: [conversation], composer: feature };
}
