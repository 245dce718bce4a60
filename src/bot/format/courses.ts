import { InlineKeyboard } from "grammy";
import type { CourseRow, StreamRow } from "../../db/queries/courses";
import { packCourses, parseCourses, type CourseAction, type StreamAction } from "../callback-data";
import type { Texts } from "../i18n";
import type { Screen } from "./question";
import { MESSAGE_LIMIT, truncate } from "./html";
import { MAX_CODE, MAX_TITLE, courseTitle, formatCount, formatDateTime, safe, streamName } from "./values";

/**
 * /courses screens: all courses with their streams, one course (or the shared streams), one
 * stream; each with its buttons. Pure: rows in, text and keyboard out, every stored string cut
 * and escaped.
 */

/** How many streams a course's screen lists (the highest numbers): more would not fit a message or a keyboard. */
const MAX_STREAMS = 20;
/** …and the overview, under each course: its screen has the rest. */
const OVERVIEW_STREAMS = 5;
const BUTTON = 40;

const price = (cents: number | null, t: Texts) => (cents === null ? t.courses.noPrice : t.courses.price(`$${(cents / 100).toFixed(2)}`));

/** Names as the screens show them (HTML-safe), for questions and notices. */
export const streamLabel = (s: Pick<StreamRow, "code" | "title">, t: Texts) => safe(streamName(s.code, s.title, t), MAX_TITLE);
export const courseLabel = (c: Pick<CourseRow, "id" | "name">, t: Texts) => courseTitle(c.id, c.name, t);

const counts = (s: StreamRow, t: Texts) => t.courses.counts(formatCount(s.new, t), formatCount(s.pending, t), formatCount(s.confirmed, t));

/** A stream's code rides in its buttons only if it can (see callback-data.ts); others are listed without one. */
const streamButtonFits = (code: string) => parseCourses(packCourses({ op: "stream", code })) !== undefined;

function streamLine(s: StreamRow, timeZone: string, t: Texts, courses?: ReadonlyMap<number, CourseRow>): string {
  const start = s.startsAt ? t.courses.starts(formatDateTime(s.startsAt, timeZone).slice(0, 10)) : t.courses.noDate;
  const orphan = courses && s.courseId !== null && !courses.has(s.courseId) ? t.courses.orphan(s.courseId) : "";
  return t.courses.streamLine(s.isOpen ? "🔓" : "🔒", streamLabel(s, t), safe(s.code, MAX_CODE), start, counts(s, t)) + orphan;
}

/** The last `max` streams' lines, after a "… and N more" line for the rest. */
function streamLines(streams: StreamRow[], max: number, timeZone: string, t: Texts, courses?: ReadonlyMap<number, CourseRow>): string[] {
  if (streams.length === 0) return [t.courses.noStreams];
  const shown = streams.slice(-max);
  const hidden = streams.length - shown.length;
  return [...(hidden > 0 ? [t.courses.more(hidden)] : []), ...shown.map((s) => streamLine(s, timeZone, t, courses))];
}

const isShared = (s: StreamRow, courses: ReadonlyMap<number, CourseRow>) => s.courseId === null || !courses.has(s.courseId);

/** Cuts whole lines from the end until the text fits one message. */
function fit(lines: string[], t: Texts): string {
  let text = lines.join("\n");
  let kept = lines.length;
  while (text.length > MESSAGE_LIMIT && kept > 1) {
    kept -= 1;
    text = [...lines.slice(0, kept), t.courses.more(lines.length - kept)].join("\n");
  }
  return text;
}

export function formatCoursesOverview(courseRows: CourseRow[], streams: StreamRow[], timeZone: string, t: Texts): Screen {
  const courses = new Map(courseRows.map((c) => [c.id, c]));
  const buttons = [];
  const lines = [t.courses.title];
  if (courseRows.length === 0) lines.push("", t.courses.none);
  for (const c of courseRows) {
    lines.push("", t.courses.course(courseTitle(c.id, c.name, t), c.id, c.isActive === true), price(c.priceUsdCents, t));
    if (c.startDateText?.trim()) lines.push(t.courses.startText(safe(c.startDateText.trim(), MAX_TITLE)));
    lines.push(...streamLines(streams.filter((s) => s.courseId === c.id), OVERVIEW_STREAMS, timeZone, t));
    buttons.push([InlineKeyboard.text(t.courses.courseButton(truncate(c.name?.trim() || t.courseNumber(c.id), BUTTON)), packCourses({ op: "course", courseId: c.id }))]);
  }
  const shared = streams.filter((s) => isShared(s, courses));
  if (shared.length > 0) {
    lines.push("", t.courses.shared, ...streamLines(shared, OVERVIEW_STREAMS, timeZone, t, courses));
    buttons.push([InlineKeyboard.text(t.courses.sharedButton, packCourses({ op: "course", courseId: 0 }))]);
  }
  lines.push("", t.courses.legend);
  return { text: fit(lines, t), keyboard: InlineKeyboard.from(buttons) };
}

function streamButtons(keyboard: InlineKeyboard, streams: StreamRow[], t: Texts): void {
  for (const s of streams.slice(-MAX_STREAMS).filter((s) => streamButtonFits(s.code))) {
    keyboard.text(`${s.isOpen ? "🔓" : "🔒"} ${truncate(streamName(s.code, s.title, t), BUTTON)}`, packCourses({ op: "stream", code: s.code })).row();
  }
}

/** One course with its streams and actions; `course` undefined: the shared streams. */
export function formatCourseScreen(course: CourseRow | undefined, streams: StreamRow[], timeZone: string, t: Texts, notice?: string): Screen {
  const keyboard = new InlineKeyboard();
  const lines = notice ? [notice, ""] : [];
  if (course) {
    const active = course.isActive === true;
    lines.push(`📚 ${t.courses.course(courseTitle(course.id, course.name, t), course.id, active)}`, t.courses.status(active ? t.courses.activeLong : t.courses.inactiveLong));
    lines.push(price(course.priceUsdCents, t));
    if (course.startDateText?.trim()) lines.push(t.courses.startText(safe(course.startDateText.trim(), MAX_TITLE)));
    lines.push("", t.courses.streamsOf, ...streamLines(streams, MAX_STREAMS, timeZone, t));
    streamButtons(keyboard, streams, t);
    const action: CourseAction = active ? "deactivate" : "activate";
    keyboard
      .text(t.courses.rename, packCourses({ op: "rename-course", courseId: course.id }))
      .text(t.courses[action], packCourses({ op: "ask", action, courseId: course.id }))
      .row()
      .text(t.courses.addStream, packCourses({ op: "new-stream", courseId: course.id }))
      .row();
  } else {
    lines.push(`🗂 ${t.courses.shared}`, "", ...streamLines(streams, MAX_STREAMS, timeZone, t, new Map()));
    streamButtons(keyboard, streams, t);
  }
  keyboard.text(t.courses.toAll, packCourses({ op: "home" }));
  return { text: fit(lines, t), keyboard };
}

/** One stream: its course, start, enrolment, live bookings; open/close, start date, rename. */
export function formatStreamScreen(stream: StreamRow, course: CourseRow | undefined, timeZone: string, t: Texts, notice?: string): Screen {
  const lines = notice ? [notice, ""] : [];
  lines.push(
    t.courses.streamTitle(streamLabel(stream, t), safe(stream.code, MAX_CODE)),
    stream.courseId === null ? t.courses.everyCourse : t.courses.streamCourse(courseTitle(stream.courseId, course?.name ?? null, t)),
    stream.startsAt ? t.courses.streamStart(formatDateTime(stream.startsAt, timeZone)) : t.courses.noStart,
    t.courses.enrolment(stream.isOpen),
    t.courses.bookings(counts(stream, t)),
  );
  const action: StreamAction = stream.isOpen ? "close" : "open";
  const keyboard = new InlineKeyboard()
    .text(t.courses[action], packCourses({ op: "ask", action, code: stream.code }))
    .row()
    .text(t.courses.setDate, packCourses({ op: "start-date", code: stream.code }))
    .text(t.courses.rename, packCourses({ op: "rename-stream", code: stream.code }))
    .row()
    .text(t.courses.toCourse, packCourses({ op: "course", courseId: course ? course.id : 0 }));
  return { text: lines.join("\n"), keyboard };
}
