import { Composer } from "grammy";
import { setCourseActive, setStreamOpen } from "../../../bookings/courses";
import { packCourses, parseCourses, type CoursesCallback } from "../../callback-data";
import type { BotContext, Deps, Feature, InnerContext } from "../../context";
import { editInPlace, enterConversation } from "../../edit";
import { courseLabel, streamLabel } from "../../format/courses";
import { withQuestion, type Screen } from "../../format/question";
import type { Texts } from "../../i18n";
import { COURSE_CONVERSATIONS, courseConversations } from "./edit";
import { courseScreens } from "./screens";

/**
 * `/courses`: every course with its streams and live bookings; a course's and a stream's own
 * screens; open or close enrolment, activate or deactivate a course (each asks for one more
 * press); renames, start dates and new streams are typed in ./edit.ts. Every change is
 * audited and shows in the students' /start at once.
 */
export function coursesFeature(deps: Deps): Feature {
  const { loadStream, loadCourse, overview, ...screens } = courseScreens(deps);

  type Shown = { screen: Screen; toast?: string } | undefined;
  /** An open/close or activate/deactivate press, asked or done. */
  type Change = Extract<CoursesCallback, { action: string }>;

  /** A change after its "yes": the screen with what became of it on top. */
  async function act(ctx: InnerContext, data: Change): Promise<Shown> {
    const t = ctx.t;
    const actor = { id: ctx.from!.id, name: ctx.from!.first_name };
    const outcome =
      "code" in data
        ? await setStreamOpen(deps.db, data.code, data.action === "open", actor)
        : await setCourseActive(deps.db, data.courseId, data.action === "activate", actor);
    if (outcome.kind === "not-found") return undefined;
    const target = "code" in data ? `stream:${data.code}` : `course:${data.courseId}`;
    ctx.log.info({ action: data.action, target, outcome: outcome.kind, admin_id: actor.id }, "course change requested");
    const changed = outcome.kind === "changed";
    const notice = changed ? t.courses.changed[data.action] : t.courses.unchanged[data.action];
    const screen = "code" in data ? await screens.stream(data.code, t, notice) : await screens.course(data.courseId, t, notice);
    return screen && { screen, toast: changed ? t.done : t.courses.unchangedShort };
  }

  /** The question before a change, or, if it is already so (another admin, an old message), the screen saying so. */
  async function ask(t: Texts, data: Change): Promise<Shown> {
    const yes = { label: t.courses.yes[data.action], data: packCourses({ ...data, op: "do" }) };
    const back = { label: t.courses.back, data: packCourses("code" in data ? { op: "stream", code: data.code } : { op: "course", courseId: data.courseId }) };
    if ("code" in data) {
      const loaded = await loadStream(data.code);
      if (!loaded) return undefined;
      if (loaded.stream.isOpen === (data.action === "open")) return { screen: loaded.screen(t, t.courses.unchanged[data.action]) };
      return { screen: withQuestion(loaded.screen(t), t.courses.question[data.action](streamLabel(loaded.stream, t)), yes, back) };
    }
    const loaded = await loadCourse(data.courseId);
    if (!loaded?.course) return undefined;
    if ((loaded.course.isActive === true) === (data.action === "activate")) return { screen: loaded.screen(t, t.courses.unchanged[data.action]) };
    return { screen: withQuestion(loaded.screen(t), t.courses.question[data.action](courseLabel(loaded.course, t)), yes, back) };
  }

  /** What a press that starts no conversation shows; undefined: its course or stream is gone. */
  async function show(ctx: InnerContext, data: CoursesCallback): Promise<Shown> {
    if ("action" in data) return data.op === "do" ? act(ctx, data) : ask(ctx.t, data);
    if (data.op === "home") return { screen: await overview(ctx.t) };
    const screen = data.op === "course" ? await screens.course(data.courseId, ctx.t) : data.op === "stream" ? await screens.stream(data.code, ctx.t) : undefined;
    return screen && { screen };
  }

  const feature = new Composer<BotContext>();
  feature.command("courses", async (ctx) => {
    const screen = await overview(ctx.t);
    await ctx.reply(screen.text, { parse_mode: "HTML", reply_markup: screen.keyboard });
  });
  feature.callbackQuery(/^cs:/, async (ctx) => {
    const data = parseCourses(ctx.callbackQuery.data);
    if (!data) return ctx.answerCallbackQuery({ text: ctx.t.courses.staleButton });
    if (data.op === "rename-course" || data.op === "new-stream" || data.op === "rename-stream" || data.op === "start-date") {
      await ctx.answerCallbackQuery();
      return enterConversation(ctx, COURSE_CONVERSATIONS[data.op], "code" in data ? data.code : data.courseId);
    }
    const shown = await show(ctx, data);
    if (!shown) return ctx.answerCallbackQuery({ text: "code" in data ? ctx.t.courses.streamGone : ctx.t.courses.courseGone, show_alert: true });
    await editInPlace(ctx, shown.screen.text, { parse_mode: "HTML", reply_markup: shown.screen.keyboard });
    await ctx.answerCallbackQuery(shown.toast ? { text: shown.toast } : {});
  });
  return { conversations: courseConversations(deps), composer: feature };
}
