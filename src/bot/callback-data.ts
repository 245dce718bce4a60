import type { TemplateKind } from "../bookings/templates";
import type { Filter, ListState } from "./list-state";

// ── Lists: `l:<scope>.<filter>[.<o|n>.<offset>.<anchor id>]` a page, `l:top` / `l:end` an arrow going nowhere ──
// The whole state rides in the button, so a list message keeps working after a restart:
// scope `a` (everyone) or `u<user id>`, the filter, then past the first page the direction,
// the rows before the page and the anchor booking, numbers in base 36. At most 32 bytes.

const FILTER_CODE: Record<string, string> = { all: "a", 0: "n", 1: "p", 2: "c", [-1]: "x" };
const CODE_FILTER: Record<string, Filter> = { a: "all", n: 0, p: 1, c: 2, x: -1 };
const EDGE = { newest: "top", oldest: "end" } as const;

/** A list button: the page it shows, or an arrow pressed where there is nothing further. */
export type ListCallback = ListState | { edge: keyof typeof EDGE };

export function packList(state: ListState): string {
  const parts = [state.userId === undefined ? "a" : `u${state.userId.toString(36)}`, FILTER_CODE[String(state.filter)]];
  if (state.anchor.dir !== "first") {
    parts.push(state.anchor.dir === "older" ? "o" : "n", state.offset.toString(36), state.anchor.id.toString(36));
  }
  return `l:${parts.join(".")}`;
}

export const packListEdge = (edge: keyof typeof EDGE): string => `l:${EDGE[edge]}`;

// Numbers as `toString(36)` writes them: no leading zeros, so each state has one spelling.
const NUM = "(?:0|[1-9a-z][0-9a-z]{0,5})";
const LIST = new RegExp(`^(a|u[1-9a-z][0-9a-z]{0,10})\\.([anpcx])(?:\\.([on])\\.(${NUM})\\.(${NUM}))?$`);
const MAX_SERIAL = 2_147_483_647;

/**
 * Strict: anything a list button could not have carried is `undefined`. (Lists sent while the
 * list was a @grammyjs/menu carry that plugin's own format, which we do not read: they answer as
 * outdated, and /bookings shows a fresh one.)
 */
export function parseList(data: string): ListCallback | undefined {
  const payload = data.startsWith("l:") ? data.slice(2) : undefined;
  if (payload === EDGE.newest) return { edge: "newest" };
  if (payload === EDGE.oldest) return { edge: "oldest" };
  const m = payload === undefined ? null : LIST.exec(payload);
  if (!m) return undefined;
  const [, scope, filterCode, dir, offset36, id36] = m;
  const state: ListState = { filter: CODE_FILTER[filterCode!]!, anchor: { dir: "first" }, offset: 0 };
  if (scope !== "a") {
    const userId = parseInt(scope!.slice(1), 36);
    if (!Number.isSafeInteger(userId) || userId <= 0) return undefined;
    state.userId = userId;
  }
  if (dir) {
    const id = parseInt(id36!, 36);
    if (id <= 0 || id > MAX_SERIAL) return undefined;
    state.anchor = { dir: dir === "o" ? "older" : "newer", id };
    state.offset = parseInt(offset36!, 36);
    if (state.offset > MAX_SERIAL) return undefined;
  }
  return state;
}

// ── Name search: `us:<user id>` opens a student found by `/user <name>` (as a new message) ──
// Telegram user ids up to 2^53 - 1: at most 14 bytes.

export const packStudentPick = (userId: number): string => `us:${userId.toString(36)}`;

export function parseStudentPick(data: string): { userId: number } | undefined {
  const m = /^us:([1-9a-z][0-9a-z]{0,10})$/.exec(data);
  const userId = m ? parseInt(m[1]!, 36) : NaN;
  return Number.isSafeInteger(userId) ? { userId } : undefined;
}

// ── Booking card: `c:s:<id>` show, `c:a:<action>:<id>:<seen>` ask, `c:d:…` do, `c:w:<id>:<seen>` reason ──

export type CardAction = "confirm" | "pending" | "cancel" | "restore";
export type CardCallback =
  | { op: "show"; id: number }
  | { op: "ask" | "do"; action: CardAction; id: number; seen: BookingStatusCode }
  | { op: "reason"; id: number; seen: BookingStatusCode };
type BookingStatusCode = -1 | 0 | 1 | 2;

const ACTION_CODE: Record<CardAction, string> = { confirm: "c", pending: "p", cancel: "x", restore: "r" };
const CODE_ACTION: Record<string, CardAction> = { c: "confirm", p: "pending", x: "cancel", r: "restore" };

export function packCard(data: CardCallback): string {
  const id = data.id.toString(36);
  if (data.op === "show") return `c:s:${id}`;
  if (data.op === "reason") return `c:w:${id}:${data.seen}`;
  return `c:${data.op === "ask" ? "a" : "d"}:${ACTION_CODE[data.action]}:${id}:${data.seen}`;
}

const CARD = /^c:(?:s:([1-9a-z][0-9a-z]{0,5})|w:([1-9a-z][0-9a-z]{0,5}):(-1|0|1|2)|([ad]):([cpxr]):([1-9a-z][0-9a-z]{0,5}):(-1|0|1|2))$/;

export function parseCard(data: string): CardCallback | undefined {
  const m = CARD.exec(data);
  if (!m) return undefined;
  const id = parseInt(m[1] ?? m[2] ?? m[6]!, 36);
  if (id > MAX_SERIAL) return undefined;
  if (m[1]) return { op: "show", id };
  if (m[2]) return { op: "reason", id, seen: Number(m[3]) as BookingStatusCode };
  return { op: m[4] === "a" ? "ask" : "do", action: CODE_ACTION[m[5]!]!, id, seen: Number(m[7]) as BookingStatusCode };
}

// ── Students: `s:b:<course>:<stream code>` book, `s:m` my bookings, `s:x:<id>` cancel?, `s:y:<id>` cancel! ──

export type StudentCallback =
  | { op: "book"; courseId: number; stream: string }
  | { op: "mine" }
  | { op: "cancel" | "cancel-yes"; id: number };

export function packStudent(data: StudentCallback): string {
  switch (data.op) {
    case "book":
      // Stream codes are varchar(50): "s:b:" + course id + ":" + code stays within 64 bytes.
      return `s:b:${data.courseId.toString(36)}:${data.stream}`;
    case "mine":
      return "s:m";
    case "cancel":
      return `s:x:${data.id.toString(36)}`;
    case "cancel-yes":
      return `s:y:${data.id.toString(36)}`;
  }
}

const STUDENT = /^s:(?:b:([1-9a-z][0-9a-z]{0,5}):([\x21-\x7e]{1,50})|(m)|([xy]):([1-9a-z][0-9a-z]{0,5}))$/;

export function parseStudent(data: string): StudentCallback | undefined {
  const m = STUDENT.exec(data);
  if (!m) return undefined;
  if (m[3]) return { op: "mine" };
  const id = parseInt(m[1] ?? m[5]!, 36);
  if (id > MAX_SERIAL) return undefined;
  if (m[1]) return { op: "book", courseId: id, stream: m[2]! };
  return { op: m[4] === "x" ? "cancel" : "cancel-yes", id };
}

// ── Templates: the /templates screen is a @grammyjs/menu, `t:s` / `t:n` the edit preview's buttons ──
// The plugin writes its own data, `<menu id>/<row>/<col>/<payload>/<h|f><hash of up to 12 bytes>`:
// we choose only the ids (short, no `/`) and read none of it. The list is `t`, the question
// "reset this one?" `t-<kind code>`: 3 + 6 + 13 bytes at most, far under 64.

const KIND_CODE: Record<TemplateKind, string> = { confirmation: "c", cancellation: "x", reminder: "r", payment_instructions: "p", payment_details: "d" };

export const TEMPLATES_MENU = "t";
export const templateResetMenu = (kind: TemplateKind): string => `t-${KIND_CODE[kind]}`;

// ── A text loop's preview (conversation-input.ts): one button to go ahead, one to drop it ──
// Under the prefix of the feature that asks: a stale press falls to that feature's own handler.

export type PreviewButtons = { confirm: string; drop: string };
export const TEMPLATE_PREVIEW: PreviewButtons = { confirm: "t:s", drop: "t:n" };
export const REASON_PREVIEW: PreviewButtons = { confirm: "c:r:y", drop: "c:r:n" };
export const BROADCAST_PREVIEW: PreviewButtons = { confirm: "bx:go", drop: "bx:q" };

// ── Broadcast (its conversation): `bx:s:<status>` bookings in a status, `bx:g:<index>` which
// course or stream, `bx:k:<kind>` another audience, `bx:l:<index>` which free lesson, `bx:p:<index>`
// a found student in or out, `bx:d` done picking; the preview's `bx:go` send, `bx:b` link buttons,
// `bx:t` later, `bx:n` at once; `bx:q` stop ──
// Only the conversation that drew the buttons reads them (by exact match), so there is no parser.

export type BroadcastStatusCode = "c" | "p" | "n" | "x" | "a";
export const packBroadcastStatus = (code: BroadcastStatusCode): string => `bx:s:${code}`;
/** `index` is the group's place in the list the admin was shown (at most 40 of them). */
export const packBroadcastGroup = (index: number): string => `bx:g:${index}`;
/** Everyone who pressed /start, those who never booked, a free lesson's registrants, picked by hand. */
export type AudienceKindCode = "st" | "nb" | "fl" | "pk";
export const packAudienceKind = (code: AudienceKindCode): string => `bx:k:${code}`;
export const packBroadcastLesson = (index: number): string => `bx:l:${index}`;
export const packPickStudent = (index: number): string => `bx:p:${index}`;
export const BROADCAST_PICKED = "bx:d";
export const BROADCAST_ACTIONS = { send: "bx:go", buttons: "bx:b", later: "bx:t", now: "bx:n" } as const;
export const BROADCAST_QUIT = BROADCAST_PREVIEW.drop;

// ── Broadcasts after the conversation: `bs:n:<id>` / `bs:x:<id>` send now / cancel a scheduled one;
// `br:a|y|k:<message id>` a report's "🗑 Delete from chats", its "yes", its "keep" ──

export type ScheduledCallback = { op: "now" | "cancel"; id: number };
export const packScheduled = (data: ScheduledCallback): string => `bs:${data.op === "now" ? "n" : "x"}:${data.id.toString(36)}`;

export function parseScheduled(data: string): ScheduledCallback | undefined {
  const m = /^bs:([nx]):([1-9a-z][0-9a-z]{0,5})$/.exec(data);
  const id = m ? parseInt(m[2]!, 36) : NaN;
  return m && id <= MAX_SERIAL ? { op: m[1] === "n" ? "now" : "cancel", id } : undefined;
}

export type RecallCallback = { op: "ask" | "yes" | "keep"; messageId: number };
const RECALL_CODE = { ask: "a", yes: "y", keep: "k" } as const;
export const packRecall = (data: RecallCallback): string => `br:${RECALL_CODE[data.op]}:${data.messageId.toString(36)}`;

export function parseRecall(data: string): RecallCallback | undefined {
  const m = /^br:([ayk]):([1-9a-z][0-9a-z]{0,5})$/.exec(data);
  const messageId = m ? parseInt(m[2]!, 36) : NaN;
  if (!m || messageId > MAX_SERIAL) return undefined;
  return { op: m[1] === "a" ? "ask" : m[1] === "y" ? "yes" : "keep", messageId };
}

// ── Payment proofs: `p:<booking id>` sends the booking's proofs again (the card's "📎" button) ──

export const packProof = (bookingId: number): string => `p:${bookingId.toString(36)}`;

export function parseProof(data: string): { bookingId: number } | undefined {
  const m = /^p:([1-9a-z][0-9a-z]{0,5})$/.exec(data);
  if (!m) return undefined;
  const bookingId = parseInt(m[1]!, 36);
  return bookingId > MAX_SERIAL ? undefined : { bookingId };
}

// ── Receipt queue: `q:n` the next receipt, `q:c:<booking id>` confirm it, `q:s:<booking id>` skip it ──

export type QueueCallback = { op: "next" } | { op: "confirm" | "skip"; id: number };

export function packQueue(data: QueueCallback): string {
  if (data.op === "next") return "q:n";
  return `q:${data.op === "confirm" ? "c" : "s"}:${data.id.toString(36)}`;
}

const QUEUE = /^q:(?:(n)|([cs]):([1-9a-z][0-9a-z]{0,5}))$/;

export function parseQueue(data: string): QueueCallback | undefined {
  const m = QUEUE.exec(data);
  if (!m) return undefined;
  if (m[1]) return { op: "next" };
  const id = parseInt(m[3]!, 36);
  if (id > MAX_SERIAL) return undefined;
  return { op: m[2] === "c" ? "confirm" : "skip", id };
}

// ── People: `m:w:<student>` write to (or answer) a student, `m:o:<student>` open them, ──
// `m:s:<student>:<message>` send the admin's message (a copy of it, from the chat pressed in), `m:x` don't

export type MessagesCallback = { op: "write" | "open"; userId: number } | { op: "send"; userId: number; messageId: number } | { op: "drop" };

export function packMessages(data: MessagesCallback): string {
  if (data.op === "drop") return "m:x";
  if (data.op === "send") return `m:s:${data.userId.toString(36)}:${data.messageId.toString(36)}`;
  return `m:${data.op === "write" ? "w" : "o"}:${data.userId.toString(36)}`;
}

const USER36 = "[1-9a-z][0-9a-z]{0,12}";
const MESSAGES = new RegExp(`^m:(?:(x)|([wo]):(${USER36})|s:(${USER36}):([1-9a-z][0-9a-z]{0,6}))$`);

export function parseMessages(data: string): MessagesCallback | undefined {
  const m = MESSAGES.exec(data);
  if (!m) return undefined;
  if (m[1]) return { op: "drop" };
  const userId = parseInt(m[3] ?? m[4]!, 36);
  if (!Number.isSafeInteger(userId)) return undefined;
  if (m[2]) return { op: m[2] === "w" ? "write" : "open", userId };
  const messageId = parseInt(m[5]!, 36);
  if (messageId > MAX_SERIAL) return undefined;
  return { op: "send", userId, messageId };
}

// ── A student's thread: `th:<student>[.o|n.<message id>]` a page, newest first ──

export type ThreadCallback = { userId: number; anchor: { dir: "first" } | { dir: "older" | "newer"; id: number } };

export function packThread(data: ThreadCallback): string {
  const anchor = data.anchor.dir === "first" ? "" : `.${data.anchor.dir === "older" ? "o" : "n"}.${data.anchor.id.toString(36)}`;
  return `th:${data.userId.toString(36)}${anchor}`;
}

const THREAD = new RegExp(`^th:(${USER36})(?:\\.([on])\\.([1-9a-z][0-9a-z]{0,12}))?$`);

export function parseThread(data: string): ThreadCallback | undefined {
  const m = THREAD.exec(data);
  if (!m) return undefined;
  const userId = parseInt(m[1]!, 36);
  if (!Number.isSafeInteger(userId)) return undefined;
  if (!m[2]) return { userId, anchor: { dir: "first" } };
  const id = parseInt(m[3]!, 36);
  if (!Number.isSafeInteger(id)) return undefined;
  return { userId, anchor: { dir: m[2] === "o" ? "older" : "newer", id } };
}

// ── Courses: `cs:h` all, `cs:c:<course|0>` a course, `cs:s:<code>` a stream; ask in lower case, do in upper ──
// Streams: `cs:o`/`cs:O` open, `cs:x`/`cs:X` close, `cs:t` rename, `cs:w` start date, each `:<code>`.
// Courses: `cs:e`/`cs:E` activate, `cs:d`/`cs:D` deactivate, `cs:r` rename, `cs:n` new stream, each `:<id>`.
// Course 0 is the streams of no known course. Stream codes ride as they are (≤ 50 of A–Z a–z 0–9 _ -,
// like the students' `s:b:` buttons): at most 55 bytes.

export type StreamAction = "open" | "close";
export type CourseAction = "activate" | "deactivate";
export type CoursesCallback =
  | { op: "home" }
  | { op: "course"; courseId: number }
  | { op: "stream"; code: string }
  | { op: "ask" | "do"; action: StreamAction; code: string }
  | { op: "ask" | "do"; action: CourseAction; courseId: number }
  | { op: "rename-course" | "new-stream"; courseId: number }
  | { op: "rename-stream" | "start-date"; code: string };

const STREAM_OPS = { open: ["o", "O"], close: ["x", "X"] } as const;
const COURSE_OPS = { activate: ["e", "E"], deactivate: ["d", "D"] } as const;

export function packCourses(data: CoursesCallback): string {
  switch (data.op) {
    case "home":
      return "cs:h";
    case "course":
      return `cs:c:${data.courseId.toString(36)}`;
    case "stream":
      return `cs:s:${data.code}`;
    case "rename-course":
      return `cs:r:${data.courseId.toString(36)}`;
    case "new-stream":
      return `cs:n:${data.courseId.toString(36)}`;
    case "rename-stream":
      return `cs:t:${data.code}`;
    case "start-date":
      return `cs:w:${data.code}`;
  }
  const i = data.op === "ask" ? 0 : 1;
  return "code" in data ? `cs:${STREAM_OPS[data.action][i]}:${data.code}` : `cs:${COURSE_OPS[data.action][i]}:${data.courseId.toString(36)}`;
}

const COURSES = /^cs:(?:(h)|([cernEdD]):(0|[1-9a-z][0-9a-z]{0,5})|([stoOxXw]):([A-Za-z0-9_-]{1,50}))$/;

export function parseCourses(data: string): CoursesCallback | undefined {
  const m = COURSES.exec(data);
  if (!m) return undefined;
  if (m[1]) return { op: "home" };
  if (m[4]) {
    const code = m[5]!;
    const op = m[4];
    if (op === "s") return { op: "stream", code };
    if (op === "t") return { op: "rename-stream", code };
    if (op === "w") return { op: "start-date", code };
    return { op: op === "o" || op === "x" ? "ask" : "do", action: op.toLowerCase() === "o" ? "open" : "close", code };
  }
  const courseId = parseInt(m[3]!, 36);
  const op = m[2]!;
  if (courseId > MAX_SERIAL) return undefined;
  if (op === "c") return { op: "course", courseId };
  // Course 0 is a group of streams, not a course: it has only its screen.
  if (courseId === 0) return undefined;
  if (op === "r") return { op: "rename-course", courseId };
  if (op === "n") return { op: "new-stream", courseId };
  return { op: op === "e" || op === "d" ? "ask" : "do", action: op.toLowerCase() === "e" ? "activate" : "deactivate", courseId };
}

/** Buttons of the /courses conversations, on their own question messages. */
export const COURSES_CHOICE = {
  yes: "cs:z:y",
  no: "cs:z:n",
  /** Take the suggested code / title. */
  code: "cs:z:k",
  title: "cs:z:t",
  /** Add the new stream and open enrolment at once. */
  open: "cs:z:o",
} as const;

// ── Coupons: `cp:l` first page, `cp:o:<id>` / `cp:n:<id>` pages older / newer than a coupon id ──
// A coupon: `cp:v:<id>:<back>` show, `cp:x`/`cp:X` deactivate, `cp:r`/`cp:R` reactivate (ask / do);
// `<back>` is the page it came from (0 the first page, else "older than <back>"); `cp:+` create.

export type CouponAction = "deactivate" | "reactivate";
export type CouponsCallback =
  | { op: "page"; anchor: { dir: "first" } | { dir: "older" | "newer"; id: number } }
  | { op: "show"; id: number; back: number }
  | { op: "ask" | "do"; action: CouponAction; id: number; back: number }
  | { op: "create" };

const COUPON_OPS = { deactivate: ["x", "X"], reactivate: ["r", "R"] } as const;

export function packCoupons(data: CouponsCallback): string {
  switch (data.op) {
    case "page":
      return data.anchor.dir === "first" ? "cp:l" : `cp:${data.anchor.dir === "older" ? "o" : "n"}:${data.anchor.id.toString(36)}`;
    case "create":
      return "cp:+";
    case "show":
      return `cp:v:${data.id.toString(36)}:${data.back.toString(36)}`;
  }
  return `cp:${COUPON_OPS[data.action][data.op === "ask" ? 0 : 1]}:${data.id.toString(36)}:${data.back.toString(36)}`;
}

const ID36 = "[1-9a-z][0-9a-z]{0,5}";
const COUPONS = new RegExp(`^cp:(?:(l)|(\\+)|([on]):(${ID36})|([vxXrR]):(${ID36}):(0|${ID36}))$`);

export function parseCoupons(data: string): CouponsCallback | undefined {
  const m = COUPONS.exec(data);
  if (!m) return undefined;
  if (m[1]) return { op: "page", anchor: { dir: "first" } };
  if (m[2]) return { op: "create" };
  const [id, back] = [parseInt(m[4] ?? m[6]!, 36), m[7] === undefined ? 0 : parseInt(m[7], 36)];
  // An "older than" anchor may be one past the largest id (the page that starts at it).
  if (id > MAX_SERIAL + 1 || back > MAX_SERIAL + 1) return undefined;
  if (m[3]) return { op: "page", anchor: { dir: m[3] === "o" ? "older" : "newer", id } };
  if (id > MAX_SERIAL) return undefined;
  const op = m[5]!;
  if (op === "v") return { op: "show", id, back };
  return { op: op === "x" || op === "r" ? "ask" : "do", action: op.toLowerCase() === "x" ? "deactivate" : "reactivate", id, back };
}

/** Buttons of the coupon-creation conversation: `cp:z:p<i>` a preset, then the others. */
export const COUPONS_CHOICE = {
  preset: (i: number) => `cp:z:p${i}`,
  custom: "cp:z:c",
  noName: "cp:z:-",
  generate: "cp:z:g",
  yes: "cp:z:y",
  no: "cp:z:q",
} as const;

// ── Workshops: `w:h` the lessons, `w:g:<lesson>` a lesson's newest registrations, `w:o:<lesson>:<id>` /
// `w:n:<lesson>:<id>` those older / newer than registration <id>; `w:f:<lesson>` its CSV, `w:a` everyone's,
// `w:b:<lesson>` a broadcast to its registrants ──
// A lesson's type and date are the real bot's free text and may be null, so a button names the
// lesson by its first registration's id (the lowest; the real bot updates rows, never deletes
// them): at most 2 + 2 + 6 + 1 + 6 = 17 bytes.

export type WorkshopsCallback =
  | { op: "home" }
  | { op: "csv-all" }
  | { op: "page"; lesson: number; anchor: { dir: "first" } | { dir: "older" | "newer"; id: number } }
  | { op: "csv"; lesson: number }
  | { op: "broadcast"; lesson: number };

export function packWorkshops(data: WorkshopsCallback): string {
  switch (data.op) {
    case "home":
      return "w:h";
    case "csv-all":
      return "w:a";
    case "csv":
      return `w:f:${data.lesson.toString(36)}`;
    case "broadcast":
      return `w:b:${data.lesson.toString(36)}`;
  }
  const lesson = data.lesson.toString(36);
  return data.anchor.dir === "first" ? `w:g:${lesson}` : `w:${data.anchor.dir === "older" ? "o" : "n"}:${lesson}:${data.anchor.id.toString(36)}`;
}

const WORKSHOPS = new RegExp(`^w:(?:([ha])|([gfb]):(${ID36})|([on]):(${ID36}):(${ID36}))$`);

export function parseWorkshops(data: string): WorkshopsCallback | undefined {
  const m = WORKSHOPS.exec(data);
  if (!m) return undefined;
  if (m[1]) return { op: m[1] === "h" ? "home" : "csv-all" };
  const [lesson, id] = [parseInt(m[3] ?? m[5]!, 36), m[6] === undefined ? 0 : parseInt(m[6], 36)];
  if (lesson > MAX_SERIAL || id > MAX_SERIAL) return undefined;
  if (m[2] === "f") return { op: "csv", lesson };
  if (m[2] === "b") return { op: "broadcast", lesson };
  if (m[2] === "g") return { op: "page", lesson, anchor: { dir: "first" } };
  return { op: "page", lesson, anchor: { dir: m[4] === "o" ? "older" : "newer", id } };
}
