import type { TemplateKind } from "../delivery/templates";
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

// ── Broadcast: `bx:s:<status>` whom, `bx:g:<index>` which course or stream, `bx:q` stop ──
// Only the conversation that drew the buttons reads them (by exact match), so there is no parser.

export type BroadcastStatusCode = "c" | "p" | "n" | "x" | "a";
export const packBroadcastStatus = (code: BroadcastStatusCode): string => `bx:s:${code}`;
/** `index` is the group's place in the list the admin was shown (at most 40 of them). */
export const packBroadcastGroup = (index: number): string => `bx:g:${index}`;
export const BROADCAST_QUIT = BROADCAST_PREVIEW.drop;

// ── Payment proofs: `p:<booking id>` sends the booking's proofs again (the card's "📎" button) ──

export const packProof = (bookingId: number): string => `p:${bookingId.toString(36)}`;

export function parseProof(data: string): { bookingId: number } | undefined {
  const m = /^p:([1-9a-z][0-9a-z]{0,5})$/.exec(data);
  if (!m) return undefined;
  const bookingId = parseInt(m[1]!, 36);
  return bookingId > MAX_SERIAL ? undefined : { bookingId };
}
