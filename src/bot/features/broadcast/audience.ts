import { InlineKeyboard } from "grammy";
import type { Conversation } from "@grammyjs/conversations";
import { countAudience } from "../../../db/queries/audiences";
import { bookedOnlyStudents } from "../../../db/queries/booked-only";
import { listAudienceGroups } from "../../../db/queries/broadcasts";
import { searchStudents } from "../../../db/queries/student-search";
import { findStudent } from "../../../db/queries/students";
import { listLessons } from "../../../db/queries/workshops";
import type { Audience } from "../../../db/schema";
import {
  BROADCAST_PICKED,
  BROADCAST_QUIT,
  packAudienceKind,
  packBroadcastGroup,
  packBroadcastLesson,
  packBroadcastStatus,
  packPickStudent,
  type AudienceKindCode,
  type BroadcastStatusCode,
} from "../../callback-data";
import type { BotContext, Deps, InnerContext } from "../../context";
import { nextInput } from "../../conversation-input";
import { escapeHtml, truncate } from "../../format/html";
import { displayName, displayUsername, formatCount, streamName } from "../../format/values";
import { lessonDate, lessonName } from "../../format/workshops";
import type { Texts } from "../../i18n";
import { parseStudentQuery } from "../../parse-args";

export const TIMEOUT_MS = 30 * 60_000;
/** Students picked one by one: a list an admin can still read; bigger audiences are groups. */
export const MAX_PICKED = 50;
const FOUND_SHOWN = 8;
const LESSONS_SHOWN = 20;

const STATUS_CHOICES: Array<[BroadcastStatusCode, Extract<Audience, { kind: "bookings" }>["status"]]> = [
  ["c", 2],
  ["p", 1],
  ["n", 0],
  ["x", -1],
  ["a", "any"],
];
const KINDS: AudienceKindCode[] = ["st", "nb", "fl", "pk"];

/** An audience chosen: who, its name as the admin saw it, and its count now. */
export type Chosen = { audience: Audience; label: string; recipients: number; unreachable: number; ctx: InnerContext };

type Conv = Conversation<BotContext, InnerContext>;
type Option = { label: string; audience: Audience };
/** An audience chosen before the conversation starts (a lesson's "📣" in /workshops): plain data, as conversation arguments are. */
export type PresetAudience = Option;
type Person = { userId: number; name: string };

/**
 * "To whom?": bookings in a status (then a course or stream), everyone who pressed /start, those
 * who never booked, a free lesson's registrants, or students picked by hand. An audience nobody
 * in it can be sent to is said so, and the question asked again. Undefined: the admin left.
 */
export async function chooseAudience(conversation: Conv, ctx: InnerContext, deps: Deps, preset?: PresetAudience): Promise<Chosen | undefined> {
  const t = ctx.t;
  const n = (value: number) => formatCount(value, t);
  let asker = ctx;
  let given = preset && { ...preset, ctx };
  for (;;) {
    const option = given ?? (await askAudience(conversation, asker, deps));
    given = undefined;
    if (!option) return undefined;
    if ("retry" in option) {
      asker = option.ctx;
      continue;
    }
    const counted = await conversation.external(() => countAudience(deps.db, option.audience));
    const skipped = counted.unreachable > 0 ? t.broadcast.skipped(counted.unreachable) : "";
    if (counted.recipients === 0) {
      await option.ctx.reply(t.broadcast.nobody);
      asker = option.ctx;
      continue;
    }
    await option.ctx.reply(t.broadcast.chosen(option.label, n(counted.recipients), skipped));
    return { audience: option.audience, label: option.label, ...counted, ctx: option.ctx };
  }
}

/** "To whom?" and what the answer needs next (which course, lesson, whom). Undefined: the admin left. */
async function askAudience(conversation: Conv, asker: InnerContext, deps: Deps) {
  const t = asker.t;
  const question = await asker.reply(t.broadcast.whom, { reply_markup: whomKeyboard(t) });
  const picked = await choose(conversation, question, [...STATUS_CHOICES.map(([code]) => packBroadcastStatus(code)), ...KINDS.map(packAudienceKind)], t);
  return picked && optionFor(conversation, picked, deps);
}

function whomKeyboard(t: Texts): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  STATUS_CHOICES.forEach(([code], i) => {
    keyboard.text(t.broadcast.audience[code]!, packBroadcastStatus(code));
    if (i % 2 === 1) keyboard.row();
  });
  keyboard.row();
  KINDS.forEach((code, i) => {
    keyboard.text(t.broadcast.kinds[code]!, packAudienceKind(code));
    if (i % 2 === 1) keyboard.row();
  });
  return keyboard.text(t.broadcast.cancel, BROADCAST_QUIT);
}

type Press = { data: string; ctx: InnerContext };

/** A press of one of `choices` on `question` (answered); typing gets a pointer to the buttons. Undefined: the admin left. */
async function choose(conversation: Conv, question: { message_id: number }, choices: string[], t: Texts): Promise<Press | undefined> {
  for (;;) {
    const input = await nextInput(conversation, { timeoutMs: TIMEOUT_MS, on: question, choices: [...choices, BROADCAST_QUIT] });
    if (input.kind === "cancel") {
      await input.ctx.reply(t.cancelled);
      return undefined;
    }
    if (input.kind === "text") {
      await input.ctx.reply(t.broadcast.useButtons);
      continue;
    }
    await input.ctx.answerCallbackQuery();
    if (input.data !== BROADCAST_QUIT) return { data: input.data, ctx: input.ctx };
    await input.ctx.editMessageText(t.cancelled);
    return undefined;
  }
}

/** The audience behind the first press, asking what else it needs (which course, which lesson, whom). */
async function optionFor(conversation: Conv, press: Press, deps: Deps): Promise<(Option & { ctx: InnerContext }) | { retry: true; ctx: InnerContext } | undefined> {
  const t = press.ctx.t;
  const status = STATUS_CHOICES.find(([code]) => packBroadcastStatus(code) === press.data);
  if (status) {
    const [code, value] = status;
    const options = await conversation.external(() => bookingGroups(deps, value, t.broadcast.audience[code]!, t));
    return pickOne(conversation, press, t.broadcast.where(t.broadcast.audience[code]!), options, packBroadcastGroup, t);
  }
  if (press.data === packAudienceKind("st")) return { label: t.broadcast.kinds.st!, audience: { kind: "started" }, ctx: press.ctx };
  if (press.data === packAudienceKind("nb")) return { label: t.broadcast.kinds.nb!, audience: { kind: "never_booked" }, ctx: press.ctx };
  if (press.data === packAudienceKind("fl")) {
    const options = await conversation.external(() => lessonOptions(deps, t));
    if (options.length === 0) {
      await press.ctx.editMessageText(t.broadcast.noLessons);
      return { retry: true, ctx: press.ctx };
    }
    return pickOne(conversation, press, t.broadcast.whichLesson, options, packBroadcastLesson, t);
  }
  const people = await pickStudents(conversation, press, deps);
  return people && { label: t.broadcast.pickedLabel(people.length), audience: { kind: "picked", userIds: people.map((p) => p.userId) }, ctx: press.ctx };
}

/** A second question on the same message: one button per option (at most 40). */
async function pickOne(conversation: Conv, press: Press, question: string, options: Array<{ button: string } & Option>, pack: (i: number) => string, t: Texts) {
  const keyboard = new InlineKeyboard();
  options.forEach((o, i) => keyboard.text(truncate(o.button, 60), pack(i)).row());
  keyboard.text(t.broadcast.cancel, BROADCAST_QUIT);
  await press.ctx.editMessageText(question, { reply_markup: keyboard });
  const second = await choose(conversation, press.ctx.callbackQuery!.message!, options.map((_, i) => pack(i)), t);
  if (!second) return undefined;
  const option = options.find((_, i) => pack(i) === second.data)!;
  return { label: option.label, audience: option.audience, ctx: second.ctx };
}

async function bookingGroups(deps: Deps, status: Extract<Audience, { kind: "bookings" }>["status"], statusLabel: string, t: Texts) {
  const n = (value: number) => formatCount(value, t);
  const found = await listAudienceGroups(deps.db, status);
  const total = await countAudience(deps.db, { kind: "bookings", status });
  const option = (button: string, group: string, audience: Audience) => ({ button, label: `${statusLabel} · ${group}`, audience });
  return [
    option(t.broadcast.everyone(n(total.recipients)), t.broadcast.everyone(n(total.recipients)), { kind: "bookings", status }),
    ...found.courses.map((c) => {
      const button = t.broadcast.wholeCourse(c.courseName ?? (c.courseId === null ? "—" : t.courseNumber(c.courseId)), n(c.students));
      return option(button, button, { kind: "bookings", status, ...(c.courseId === null ? {} : { courseId: c.courseId }) });
    }),
    ...found.streams
      .filter((s) => s.stream !== null && s.courseId !== null)
      .map((s) => {
        const button = t.broadcast.stream(s.courseName ?? t.courseNumber(s.courseId!), streamName(s.stream, s.streamTitle, t), n(s.students));
        return option(button, button, { kind: "bookings", status, courseId: s.courseId!, stream: s.stream! });
      }),
  ].slice(0, 40);
}

async function lessonOptions(deps: Deps, t: Texts) {
  const { lessons } = await listLessons(deps.db, LESSONS_SHOWN);
  return lessons.map((l) => {
    const [name, date] = [truncate(lessonName(l.lessonType, t), 40), lessonDate(l.lessonDate, t)];
    return {
      button: t.broadcast.lesson(name, date, formatCount(l.registrations, t)),
      label: t.broadcast.lessonLabel(name, date),
      audience: { kind: "lesson" as const, lessonType: l.lessonType, lessonDate: l.lessonDate },
    };
  });
}

/**
 * Students picked by hand: the admin types a name, @username or id; who matches comes as buttons
 * that add or remove them; the picker message lists who is in. Undefined: the admin left.
 */
async function pickStudents(conversation: Conv, press: Press, deps: Deps): Promise<Person[] | undefined> {
  const t = press.ctx.t;
  let people: Person[] = [];
  let found: Person[] = [];
  let note = t.broadcast.pickHint;
  const screen = () => pickerScreen(people, found, note, t);
  await press.ctx.editMessageText(screen().text, { parse_mode: "HTML", reply_markup: screen().keyboard });
  let picker: { message_id: number } = press.ctx.callbackQuery!.message!;
  for (;;) {
    const input = await nextInput(conversation, { timeoutMs: TIMEOUT_MS, on: picker, choices: [...found.map((_, i) => packPickStudent(i)), BROADCAST_PICKED, BROADCAST_QUIT] });
    if (input.kind === "cancel") {
      await input.ctx.reply(t.cancelled);
      return undefined;
    }
    if (input.kind === "text") {
      const query = input.text.trim();
      found = await conversation.external(() => findPeople(deps, query, t));
      note = found.length > 0 ? t.broadcast.pickFound(escapeHtml(truncate(query, 40)), formatCount(found.length, t)) : t.broadcast.pickNone(escapeHtml(truncate(query, 40)));
      // The old picker's buttons go; the new one comes below the admin's message.
      await input.ctx.api.editMessageReplyMarkup(input.ctx.chat!.id, picker.message_id).catch(() => undefined);
      picker = await input.ctx.reply(screen().text, { parse_mode: "HTML", reply_markup: screen().keyboard });
      continue;
    }
    if (input.data === BROADCAST_QUIT) {
      await input.ctx.answerCallbackQuery();
      await input.ctx.editMessageText(t.cancelled);
      return undefined;
    }
    if (input.data === BROADCAST_PICKED) {
      if (people.length === 0) {
        await input.ctx.answerCallbackQuery({ text: t.broadcast.pickHint.slice(0, 200) });
        continue;
      }
      await input.ctx.answerCallbackQuery();
      await input.ctx.editMessageReplyMarkup();
      return people;
    }
    const person = found.find((_, i) => packPickStudent(i) === input.data)!;
    const isIn = people.some((p) => p.userId === person.userId);
    if (!isIn && people.length >= MAX_PICKED) {
      await input.ctx.answerCallbackQuery({ text: t.broadcast.pickFull(MAX_PICKED).slice(0, 200), show_alert: true });
      continue;
    }
    people = isIn ? people.filter((p) => p.userId !== person.userId) : [...people, person];
    await input.ctx.answerCallbackQuery();
    await input.ctx.editMessageText(screen().text, { parse_mode: "HTML", reply_markup: screen().keyboard });
  }
}

/** Who a typed name, @username or id is: the best few matches. */
async function findPeople(deps: Deps, query: string, t: Texts): Promise<Person[]> {
  const parsed = parseStudentQuery(query);
  const person = (s: { userId: number; firstName: string | null; lastName: string | null; username: string | null }): Person => ({
    userId: s.userId,
    name: `${displayName(t, s.firstName, s.lastName)} · ${displayUsername(t, s.username)} · id ${s.userId}`,
  });
  if (parsed.kind === "bad") return [];
  if (parsed.kind === "id" || parsed.kind === "username") {
    const student = await findStudent(deps.db, parsed.kind === "id" ? { userId: parsed.userId } : { username: parsed.username });
    if (student) return [person(student)];
    if (parsed.kind === "id") return [];
  }
  const words = parsed.kind === "name" ? parsed.words : parsed.kind === "username" ? [parsed.username] : [];
  const found = await searchStudents(deps.db, words, FOUND_SHOWN, await bookedOnly(deps)());
  return found.matches.map(person);
}

const bookedOnlyOf = new WeakMap<Deps, ReturnType<typeof bookedOnlyStudents>>();
/** One cache of the booked-only students per bot (see booked-only.ts). */
function bookedOnly(deps: Deps) {
  let cached = bookedOnlyOf.get(deps);
  if (!cached) bookedOnlyOf.set(deps, (cached = bookedOnlyStudents(deps.db, () => deps.clock().getTime())));
  return cached;
}

/** The picker: who is in, what the last search found (a button each: ➕ in, ✖️ out), done and cancel. HTML. */
export function pickerScreen(people: readonly Person[], found: readonly Person[], note: string, t: Texts): { text: string; keyboard: InlineKeyboard } {
  const keyboard = new InlineKeyboard();
  found.forEach((p, i) => {
    const isIn = people.some((q) => q.userId === p.userId);
    keyboard.text(truncate(`${isIn ? "✖️" : "➕"} ${p.name}`, 60), packPickStudent(i)).row();
  });
  keyboard.text(t.broadcast.pickDone(formatCount(people.length, t)), BROADCAST_PICKED).text(t.broadcast.cancel, BROADCAST_QUIT);
  const list = people.map((p) => `• ${escapeHtml(p.name)}`);
  return { text: [t.broadcast.pickTitle(formatCount(people.length, t)), ...list, "", note].join("\n"), keyboard };
}
