import { Composer } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { bookedOnlyStudents } from "../../db/queries/booked-only";
import { searchStudents } from "../../db/queries/student-search";
import { findStudent } from "../../db/queries/students";
import { parseStudentPick } from "../callback-data";
import type { BotContext, Deps, Feature, InnerContext } from "../context";
import { formatStudentSearch } from "../format/student-search";
import type { Texts } from "../i18n";
import { firstPageOf } from "../list-state";
import { nextInput } from "../conversation-input";
import { enterConversation } from "../edit";
import { conversationPlugins } from "../middleware";
import { MAX_QUERY_LENGTH, parseStudentQuery, type StudentQuery } from "../parse-args";
import { loadList, sendList, type ListScreen } from "../list-screen";

const ASK_STUDENT = "ask-student";
const ANSWER_TIMEOUT_MS = 10 * 60_000;
/** Matches a search shows at most; the rest are counted ("and 37 more: refine the search"). */
const SEARCH_LIMIT = 20;

type Found = Exclude<StudentQuery, { kind: "bad" }>;

/**
 * `/user <id | @username | name>`, `/u123` links, and `/user` alone, which asks: the student's
 * own list (whose buttons the bookings feature answers like any list's), or the students a name
 * search found, each a button that opens them; a single match opens at once.
 */
export function userFeature(deps: Deps): Feature {
  const studentList = (userId: number, t: Texts) => loadList(deps, firstPageOf("all", userId), t);
  const bookedOnly = bookedOnlyStudents(deps.db, () => deps.clock().getTime());

  async function search(words: string[], t: Texts): Promise<ListScreen | undefined> {
    const found = await searchStudents(deps.db, words, SEARCH_LIMIT, await bookedOnly());
    if (found.total === 0) return undefined;
    if (found.total === 1) return studentList(found.matches[0]!.userId, t);
    return formatStudentSearch(words.join(" "), found, t);
  }

  /** An exact @username opens that student, as before name search; one nobody has is searched for as a part of names. */
  async function screenFor(query: Found, t: Texts): Promise<ListScreen> {
    switch (query.kind) {
      case "id":
        return studentList(query.userId, t);
      case "username": {
        const student = await findStudent(deps.db, { username: query.username });
        if (student) return studentList(student.userId, t);
        return (await search([query.username], t)) ?? { text: t.student.noBookingsFor(`@${query.username}`) };
      }
      case "name":
        return (await search(query.words, t)) ?? { text: t.student.notFound(query.words.join(" ")) };
    }
  }

  const problem = (query: Extract<StudentQuery, { kind: "bad" }>, t: Texts, inConversation: boolean) =>
    query.problem === "too-long" ? t.student.tooLong(MAX_QUERY_LENGTH) : inConversation ? t.student.badRef : t.student.usage;

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
      const query = parseStudentQuery(input.text);
      if (query.kind === "bad") {
        await answer.reply(problem(query, ctx.t, true));
        continue;
      }
      const screen = await conversation.external(() => screenFor(query, ctx.t));
      return sendList(answer, screen, "reply");
    }
  }

  // Installed apart from the commands (see createBot): a waiting conversation sees updates first.
  const conversation = createConversation(askStudent, { id: ASK_STUDENT, plugins: conversationPlugins(deps) });
  const feature = new Composer<BotContext>();
  feature.command("user", async (ctx) => {
    if (ctx.match.trim() === "") return enterConversation(ctx, ASK_STUDENT);
    const query = parseStudentQuery(ctx.match);
    if (query.kind === "bad") return ctx.reply(problem(query, ctx.t, false));
    await sendList(ctx, await screenFor(query, ctx.t), "reply");
  });
  feature.hears(/^\/u(\d{1,16})(?:@\w+)?$/, async (ctx) => {
    const query = parseStudentQuery(ctx.match[1]!);
    if (query.kind !== "id") return ctx.reply(ctx.t.student.usage);
    await sendList(ctx, await screenFor(query, ctx.t), "reply");
  });
  // A search result's button: the student's list as a new message, so the results stay to pick another.
  feature.callbackQuery(/^us:/, async (ctx) => {
    const pick = parseStudentPick(ctx.callbackQuery.data);
    const screen = pick && (await studentList(pick.userId, ctx.t));
    if (!screen?.keyboard) return ctx.answerCallbackQuery({ text: ctx.t.student.staleButton });
    await sendList(ctx, screen, "reply");
    await ctx.answerCallbackQuery();
  });
  return { conversations: [conversation], composer: feature };
}
