import { getCourse, getStream, listCourses, listStreams } from "../../../db/queries/courses";
import type { Deps } from "../../context";
import { formatCourseScreen, formatCoursesOverview, formatStreamScreen } from "../../format/courses";
import type { Screen } from "../../format/question";
import type { Texts } from "../../i18n";

/** The screens of /courses, for the buttons (./index.ts) and for the end of a typed change (./edit.ts). */
export function courseScreens(deps: Deps) {
  const tz = deps.config.timeZone;

  async function loadStream(code: string) {
    const stream = await getStream(deps.db, code);
    const course = stream?.courseId == null ? undefined : await getCourse(deps.db, stream.courseId);
    return stream && { stream, course, screen: (t: Texts, notice?: string) => formatStreamScreen(stream, course, tz, t, notice) };
  }

  /** Course 0: the streams of no known course. */
  async function loadCourse(courseId: number) {
    const course = courseId === 0 ? undefined : await getCourse(deps.db, courseId);
    if (courseId !== 0 && !course) return undefined;
    const streams = await listStreams(deps.db, course ? { courseId } : { shared: true });
    return { course, screen: (t: Texts, notice?: string) => formatCourseScreen(course, streams, tz, t, notice) };
  }

  return {
    loadStream,
    loadCourse,
    async overview(t: Texts): Promise<Screen> {
      const [courses, streams] = await Promise.all([listCourses(deps.db), listStreams(deps.db, { all: true })]);
      return formatCoursesOverview(courses, streams, tz, t);
    },
    course: async (courseId: number, t: Texts, notice?: string): Promise<Screen | undefined> => (await loadCourse(courseId))?.screen(t, notice),
    stream: async (code: string, t: Texts, notice?: string): Promise<Screen | undefined> => (await loadStream(code))?.screen(t, notice),
  };
}
