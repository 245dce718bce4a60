import { InlineKeyboard } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { MAX_COURSE_NAME, MAX_STREAM_TITLE, STREAM_CODE, checkTitle, parseStartDate, suggestNextStream, titleForCode, type TitleProblem } from "../../../bookings/stream-rules";
import { createStream, renameCourse, renameStream, setStreamStart } from "../../../bookings/courses";
import { getCourse, getStream, listStreamCodes } from "../../../db/queries/courses";
import { COURSES_CHOICE } from "../../callback-data";
import type { BotContext, Deps, InnerContext } from "../../context";
import { answerStep, type Checked } from "../../conversation-answer";
import { courseLabel, streamLabel } from "../../format/courses";
import { plainScreen } from "../../format/question";
import { escapeHtml } from "../../format/html";
import { formatDateTime } from "../../format/values";
import type { Texts } from "../../i18n";
import { conversationPlugins } from "../../middleware";
import { courseScreens } from "./screens";


type EditKind = "rename-course" | "rename-stream" | "start-date";
export const COURSE_CONVERSATIONS = {
  "rename-course": "course-name",
  "rename-stream": "stream-title",
  "start-date": "stream-start",
  "new-stream": "new-stream",
} as const;

const TIMEOUT_MS = 30 * 60_000;
type Convo = Conversation<BotContext, InnerContext>;

const titleProblem = (p: TitleProblem, t: Texts) => (p.kind === "empty" ? t.courses.emptyTitle : t.courses.tooLong(p.max, p.length));
const yesNo = (yes: string, t: Texts) => new InlineKeyboard().text(yes, COURSES_CHOICE.yes).text(t.courses.dontChange, COURSES_CHOICE.no);

/**
 * The typed changes of /courses, each a conversation: a course's name, a stream's title or start
 * date (typed, checked, shown back with one "yes"), and a new stream (code, title, start date,
 * then "add and open" or "add closed"). Database calls run in `conversation.external`, and what
 * they return is plain JSON, as the conversation's stored log needs.
 */
export function courseConversations(deps: Deps) {
  const screens = courseScreens(deps);
  const tz = deps.config.timeZone;
  const now = (conversation: Convo) => conversation.external(() => deps.clock().getTime());
  const actorOf = (ctx: InnerContext) => ({ id: ctx.from!.id, name: ctx.from!.first_name });

  /** What is changed: its name as shown, and the stream's start (epoch ms) for a new date. */
  async function current(kind: EditKind, target: string | number, t: Texts) {
    if (kind === "rename-course") {
      const course = await getCourse(deps.db, Number(target));
      return course && { label: courseLabel(course, t), startsAt: null };
    }
    const stream = await getStream(deps.db, String(target));
    return stream && { label: streamLabel(stream, t), startsAt: stream.startsAt?.getTime() ?? null };
  }

  async function editValue(conversation: Convo, ctx: InnerContext, kind: EditKind, target: string | number) {
    const t = ctx.t;
    const was = await conversation.external(async () => (await current(kind, target, t)) ?? null);
    if (!was) return ctx.reply(kind === "rename-course" ? t.courses.courseGone : t.courses.streamGone);
    const wasDate = was.startsAt === null ? t.courses.notSet : formatDateTime(new Date(was.startsAt), tz);
    const ask = {
      "rename-course": () => t.courses.askCourseName(was.label, MAX_COURSE_NAME),
      "rename-stream": () => t.courses.askStreamTitle(was.label, MAX_STREAM_TITLE),
      "start-date": () => t.courses.askDate(was.label, wasDate),
    }[kind];
    await ctx.reply(ask(), { parse_mode: "HTML" });

    /** A typed value, and the question that shows it back. */
    async function read(text: string): Promise<Checked<{ value: string | number; question: string }>> {
      if (kind === "start-date") {
        const parsed = parseStartDate(text, { timeZone: tz, now: new Date(await now(conversation)), keepTimeOf: was!.startsAt === null ? null : new Date(was!.startsAt) });
        if ("problem" in parsed) return { problem: t.courses.tryAgain(t.courses.badDate[parsed.problem]) };
        return { value: { value: parsed.date.getTime(), question: t.courses.confirmDate(was!.label, formatDateTime(parsed.date, tz), wasDate) } };
      }
      const checked = checkTitle(text, kind === "rename-course" ? MAX_COURSE_NAME : MAX_STREAM_TITLE);
      if ("problem" in checked) return { problem: t.courses.tryAgain(titleProblem(checked.problem, t)) };
      const confirm = kind === "rename-course" ? t.courses.confirmCourseName : t.courses.confirmStreamTitle;
      return { value: { value: checked.title, question: confirm(was!.label, escapeHtml(checked.title)) } };
    }

    const step = { timeoutMs: TIMEOUT_MS, cancelled: t.cancelled, useButtons: t.courses.useButtons };
    const typed = await answerStep(conversation, { ...step, read });
    if (!typed) return;
    const question = await typed.ctx.reply(typed.value.question, { parse_mode: "HTML", reply_markup: yesNo(kind === "start-date" ? t.courses.yesDate : t.courses.yesRename, t) });
    const yes = await answerStep(conversation, { ...step, on: question, choices: { [COURSES_CHOICE.yes]: true }, cancel: COURSES_CHOICE.no, cancelled: t.courses.keptAsIs });
    if (!yes) return;
    const actor = actorOf(yes.ctx);
    const value = typed.value.value;
    const done = await conversation.external(async () => {
      if (kind === "start-date") {
        const outcome = await setStreamStart(deps.db, String(target), new Date(value), actor);
        return plainScreen(outcome.kind === "not-found" ? undefined : await screens.stream(String(target), t, t.courses.dated(formatDateTime(new Date(value), tz))));
      }
      const outcome = kind === "rename-course" ? await renameCourse(deps.db, Number(target), String(value), actor) : await renameStream(deps.db, String(target), String(value), actor);
      if (outcome.kind === "not-found") return null;
      const notice = outcome.kind === "changed" ? t.courses.renamed(was.label, escapeHtml(String(value))) : t.courses.keptAsIs;
      return plainScreen(kind === "rename-course" ? await screens.course(Number(target), t, notice) : await screens.stream(String(target), t, notice));
    });
    deps.logger.info({ kind, target, admin_id: actor.id, done: done !== null }, "course change requested");
    if (!done) return yes.ctx.reply(kind === "rename-course" ? t.courses.courseGone : t.courses.streamGone);
    return yes.ctx.reply(done.text, { parse_mode: "HTML", reply_markup: done.reply_markup });
  }

  async function newStream(conversation: Convo, ctx: InnerContext, courseId: number) {
    const t = ctx.t;
    const start = await conversation.external(async () => {
      const course = await getCourse(deps.db, courseId);
      return course ? { course: courseLabel(course, t), suggestion: suggestNextStream(await listStreamCodes(deps.db)) } : null;
    });
    if (!start) return ctx.reply(t.courses.courseGone);
    const step = { timeoutMs: TIMEOUT_MS, cancelled: t.cancelled, useButtons: t.courses.useButtons, cancel: COURSES_CHOICE.no };
    const { suggestion } = start;

    const codeQuestion = await ctx.reply(t.courses.newStream(start.course, escapeHtml(suggestion.code)), {
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text(`✅ ${suggestion.code}`, COURSES_CHOICE.code).text(t.courses.cancel, COURSES_CHOICE.no),
    });
    const isFree = async (code: string): Promise<Checked<string>> => {
      if (!STREAM_CODE.test(code)) return { problem: t.courses.tryAgain(t.courses.badCode) };
      const taken = await conversation.external(async () => (await listStreamCodes(deps.db)).includes(code));
      return taken ? { problem: t.courses.tryAgain(t.courses.codeTaken(escapeHtml(code))) } : { value: code };
    };
    const code = await answerStep(conversation, { ...step, on: codeQuestion, choices: { [COURSES_CHOICE.code]: suggestion.code }, read: (text) => isFree(text.trim()) });
    // The suggestion was free when suggested; pressed later, it is checked again at the insert.
    if (!code) return;

    const suggested = titleForCode(code.value);
    const titleQuestion = await code.ctx.reply(t.courses.askTitle(suggested && escapeHtml(suggested), MAX_STREAM_TITLE), {
      parse_mode: "HTML",
      reply_markup: (suggested ? new InlineKeyboard().text(`✅ ${suggested}`, COURSES_CHOICE.title) : new InlineKeyboard()).text(t.courses.cancel, COURSES_CHOICE.no),
    });
    const title = await answerStep<string>(conversation, {
      ...step,
      on: titleQuestion,
      choices: suggested ? { [COURSES_CHOICE.title]: suggested } : {},
      read: async (text) => {
        const checked = checkTitle(text, MAX_STREAM_TITLE);
        return "problem" in checked ? { problem: t.courses.tryAgain(titleProblem(checked.problem, t)) } : { value: checked.title };
      },
    });
    if (!title) return;

    await title.ctx.reply(t.courses.askNewDate);
    const date = await answerStep<number>(conversation, {
      ...step,
      read: async (text) => {
        const parsed = parseStartDate(text, { timeZone: tz, now: new Date(await now(conversation)) });
        return "problem" in parsed ? { problem: t.courses.tryAgain(t.courses.badDate[parsed.problem]) } : { value: parsed.date.getTime() };
      },
    });
    if (!date) return;

    const confirm = await date.ctx.reply(t.courses.confirmNew(escapeHtml(code.value), escapeHtml(title.value), start.course, formatDateTime(new Date(date.value), tz)), {
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard()
        .text(t.courses.addOpen, COURSES_CHOICE.open)
        .row()
        .text(t.courses.addClosed, COURSES_CHOICE.yes)
        .row()
        .text(t.courses.cancel, COURSES_CHOICE.no),
    });
    const open = await answerStep(conversation, { ...step, on: confirm, choices: { [COURSES_CHOICE.open]: true, [COURSES_CHOICE.yes]: false } });
    if (!open) return;
    const actor = actorOf(open.ctx);
    const stream = { code: code.value, title: title.value, courseId, startsAt: new Date(date.value), isOpen: open.value };
    const done = await conversation.external(async () => {
      if ((await createStream(deps.db, stream, actor)) === "taken") return null;
      return plainScreen(await screens.stream(stream.code, t, t.courses.created(stream.isOpen)));
    });
    deps.logger.info({ code: stream.code, course_id: courseId, open: stream.isOpen, admin_id: actor.id, added: done !== null }, "stream added");
    if (!done) return open.ctx.reply(t.courses.takenNow(escapeHtml(stream.code)), { parse_mode: "HTML" });
    return open.ctx.reply(done.text, { parse_mode: "HTML", reply_markup: done.reply_markup });
  }

  const plugins = conversationPlugins(deps);
  const edit = (kind: EditKind) => (conversation: Convo, ctx: InnerContext, target: string | number) => editValue(conversation, ctx, kind, target);
  return [
    createConversation(edit("rename-course"), { id: COURSE_CONVERSATIONS["rename-course"], plugins }),
    createConversation(edit("rename-stream"), { id: COURSE_CONVERSATIONS["rename-stream"], plugins }),
    createConversation(edit("start-date"), { id: COURSE_CONVERSATIONS["start-date"], plugins }),
    createConversation(newStream, { id: COURSE_CONVERSATIONS["new-stream"], plugins }),
  ];
}
