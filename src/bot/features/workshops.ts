import { Composer, InputFile } from "grammy";
import { countRegistrations, findLesson, iterateRegistrations, listLessons, listRegistrationsPage, type Lesson } from "../../db/queries/workshops";
import { parseWorkshops } from "../callback-data";
import type { BotContext, Deps, Feature, InnerContext } from "../context";
import { editInPlace, enterConversation } from "../edit";
import { BROADCAST } from "./broadcast/compose";
import type { PresetAudience } from "./broadcast/audience";
import { csvChunks } from "../format/csv";
import { truncate } from "../format/html";
import { MAX_TITLE, countNoun } from "../format/values";
import type { Texts } from "../i18n";
import { REGISTRATIONS_CSV_HEADER, formatLessons, formatRegistrations, lessonDate, lessonName, registrationCsvLine, type WorkshopsScreen } from "../format/workshops";

/** Lessons on the first screen; older ones are counted there and are in the CSV of all. */
export const LESSONS_SHOWN = 20;

const HTML = { parse_mode: "HTML" as const, link_preview_options: { is_disabled: true } };
const withButtons = (screen: WorkshopsScreen) => ({ ...HTML, ...(screen.keyboard ? { reply_markup: screen.keyboard } : {}) });

/** A file name from the real bot's free-text lesson type: what a file system takes anywhere. */
const fileSlug = (lesson: Lesson) =>
  [lesson.lessonType?.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 40) || "untyped", lesson.lessonDate ?? "undated"].join("-");

/**
 * `/workshops`: the real bot's free-lesson registrations, read only. The lessons (type and date)
 * with their counts, newest first; a lesson's registrations page by page (◀ ▶ in place); CSV of a
 * lesson or of all; "📣" starts /broadcast to a lesson's registrants. Every button carries its
 * whole state, so old messages keep working.
 */
export function workshopsFeature(deps: Deps): Feature {
  const { db, config } = deps;

  async function sendCsv(ctx: InnerContext, lesson: Lesson | undefined): Promise<void> {
    const t = ctx.t;
    const day = deps.clock().toISOString().slice(0, 10);
    const total = lesson ? lesson.registrations : await countRegistrations(db);
    const registrations = countNoun(total, t.workshops.registrations, t);
    const caption = lesson
      ? t.workshops.caption(truncate(lessonName(lesson.lessonType, t), MAX_TITLE), lessonDate(lesson.lessonDate, t), registrations)
      : t.workshops.captionAll(registrations);
    // A fresh walk each time grammY reads the file (it may read it again to retry the upload).
    const chunks = () => csvChunks(REGISTRATIONS_CSV_HEADER, iterateRegistrations(db, lesson), (row) => registrationCsvLine(row, config.timeZone, t));
    const file = new InputFile(chunks, `workshops-${lesson ? fileSlug(lesson) : "all"}-${day}.csv`);
    await ctx.replyWithChatAction("upload_document");
    await ctx.replyWithDocument(file, { caption });
    ctx.log.info({ lesson_id: lesson?.id, rows: total }, "workshop registrations exported");
  }

  const lessons = async (t: Texts) => formatLessons(await listLessons(db, LESSONS_SHOWN), t);

  const feature = new Composer<BotContext>();
  feature.command("workshops", async (ctx) => {
    const screen = await lessons(ctx.t);
    await ctx.reply(screen.text, withButtons(screen));
  });
  feature.callbackQuery(/^w:/, async (ctx) => {
    const t = ctx.t;
    const data = parseWorkshops(ctx.callbackQuery.data);
    if (!data) return ctx.answerCallbackQuery({ text: t.workshops.staleButton });
    if (data.op === "home") {
      const screen = await lessons(t);
      await editInPlace(ctx, screen.text, withButtons(screen));
      return ctx.answerCallbackQuery();
    }
    // Answered after the document is sent: if sending fails, the error boundary gives the one answer.
    if (data.op === "csv-all") {
      await sendCsv(ctx, undefined);
      return ctx.answerCallbackQuery();
    }
    // A lesson whose first registration is gone or moved (or a forged id): nothing to show.
    const lesson = await findLesson(db, data.lesson);
    if (!lesson) return ctx.answerCallbackQuery({ text: t.workshops.staleButton });
    if (data.op === "csv") {
      await sendCsv(ctx, lesson);
      return ctx.answerCallbackQuery();
    }
    if (data.op === "broadcast") {
      // /broadcast with this lesson's registrants already chosen: the same steps from "what to send".
      await ctx.answerCallbackQuery();
      const label = t.broadcast.lessonLabel(truncate(lessonName(lesson.lessonType, t), 40), lessonDate(lesson.lessonDate, t));
      const preset: PresetAudience = { label, audience: { kind: "lesson", lessonType: lesson.lessonType, lessonDate: lesson.lessonDate } };
      return enterConversation(ctx, BROADCAST, preset);
    }
    const page = await listRegistrationsPage(db, lesson, data.anchor, config.pageSize);
    const screen = formatRegistrations(lesson, page, config.timeZone, t);
    await editInPlace(ctx, screen.text, withButtons(screen));
    await ctx.answerCallbackQuery();
  });
  return { composer: feature };
}
