import { expect } from "vitest";
import fc from "fast-check";
import type { InlineKeyboardButton, Message, User } from "grammy/types";
import type { Database } from "../../src/db/client";
import { events, messageHistory, outbox, paymentProofs, referralCoupons, streams, users } from "../../src/db/schema";
import { createTestDatabase, rawQuery, type TestDatabase } from "../helpers/db";
import { addBookings, addCourse } from "../helpers/fixtures";
import { BOT_INFO, type ApiCall } from "../helpers/fake-telegram";
import { TEST_TOKEN, createHarness, type Harness } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";

/** The bot's phrases: `t` is Russian, the language of ADMIN, STRANGER and STUDENT here. */
export { TEXTS, pickLang, ru as t } from "../../src/bot/i18n";

/**
 * Shared by the fuzz files: a fixed seed (override with FUZZ_SEED to explore, FUZZ_SCALE to
 * run more or fewer cases), a data set with something of every kind, a checksum of every
 * table, and the checks every answer of the bot must pass.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_101);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
export const fuzz = <T>(numRuns: number): fc.Parameters<T> => ({
  seed: FUZZ_SEED,
  numRuns: Math.max(1, Math.round(numRuns * SCALE)),
  reporter: shortReport,
});

/** fast-check's report, with 4096-character counterexamples cut to something readable. */
function shortReport<T>(details: fc.RunDetails<T>): void {
  if (!details.failed) return;
  const example = JSON.stringify(details.counterexample, (_key, value: unknown) =>
    typeof value === "string" && value.length > 300 ? `${value.slice(0, 300)}…(${value.length} chars)` : value,
  );
  const cause = details.errorInstance;
  throw new Error(
    `Property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}", shrunk ${details.numShrinks} times)\n` +
      `Counterexample: ${example}\n${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  );
}

// ── The data set ─────────────────────────────────────────────────────────────────────────

/** A non-admin with bookings of their own (one confirmed on the open stream, one cancelled). */
export const STUDENT: User = { id: 777_000_111, is_bot: false, first_name: "Ира <b>&", username: "ira_student", language_code: "ru" };

export const OPEN_STREAM = { courseId: 1, code: "7th_stream" };

export type FuzzData = {
  /** Booking id → status; the fuzz must never change it. */
  status: Map<number, number>;
  /** Booking id → owner. */
  owner: Map<number, number>;
  /** The booking with a payment proof (a pending one of another student). */
  proofOf: number;
};

/**
 * Courses, streams (one open), students (with HTML and emoji in their names), bookings in every
 * status, history with reasons, queued and failed messages, and a broadcast: every list, card
 * and student screen has something to render.
 */
export async function seedFuzzData(database: Database): Promise<FuzzData> {
  const { db } = database;
  await addCourse(db, 1, "Вайб кодинг");
  await addCourse(db, 2, "Курс <script>alert(1)</script> & «ёлки»");
  await addCourse(db, 3, null as unknown as string);
  // The migrations list the real system's streams (all closed); one is opened here.
  for (const stream of [
    { code: OPEN_STREAM.code, title: "7-й поток", courseId: 1, isOpen: true, startsAt: new Date("2026-12-01T16:00:00Z") },
    { code: "8th_stream", title: "8-й <поток> & co", courseId: 2, isOpen: false, startsAt: null },
    { code: "any:stream/x", title: "Общий 🧪", courseId: null, isOpen: false, startsAt: null },
  ]) {
    await db.insert(streams).values(stream).onConflictDoUpdate({ target: streams.code, set: stream });
  }
  await db.insert(users).values([
    { userId: STUDENT.id, username: STUDENT.username!, firstName: STUDENT.first_name, languageCode: "ru" },
    { userId: 5001, username: "under_score", firstName: "‮RTL‮ Мастер 👨‍👩‍👧", lastName: "O'Brien" },
    { userId: 9_007_199_254_740_991, username: null, firstName: "Max safe id" },
  ]);
  const rows = [
    { userId: STUDENT.id, username: STUDENT.username!, firstName: STUDENT.first_name, courseId: 1, courseStream: OPEN_STREAM.code, confirmed: 2 as const },
    { userId: STUDENT.id, username: STUDENT.username!, firstName: STUDENT.first_name, courseId: 2, courseStream: "8th_stream", confirmed: -1 as const },
    ...Array.from({ length: 14 }, (_, i) => ({
      userId: 5000 + (i % 5),
      username: i % 3 === 0 ? null : `user_${i % 5}`,
      firstName: ["Анна", "<i>Bob</i>", "&amp;", "😀".repeat(30), "x".repeat(64)][i % 5]!,
      courseId: [1, 2, 3, null][i % 4]!,
      courseStream: [OPEN_STREAM.code, "8th_stream", "any:stream/x", null, "unknown_stream"][i % 5]!,
      confirmed: ([0, 1, 2, -1] as const)[i % 4]!,
      referralCode: i % 4 === 0 ? "PROMO<10>" : null,
      discountPercent: i % 4 === 0 ? 10 : 0,
    })),
  ];
  const ids = await addBookings(db, rows);
  await db.insert(events).values([
    {
      userId: 5001,
      eventType: "booking_status_changed",
      details: { booking_id: ids[1]!, old_status: 0, new_status: -1, actor_id: ADMIN.id, actor_name: "Анна <admin>", actor_role: "admin", reason: "нет оплаты <b>&</b> 🙃", source: "admin_bot" },
    },
    { userId: 5001, eventType: "booking_created", details: { booking_id: ids[5]!, course_id: 1 } },
    // The real bot's approval: a status change without an actor, then who approved it.
    { userId: 5001, eventType: "booking_status_changed", details: { booking_id: ids[2]!, old_status: 1, new_status: 2, old_status_name: "payment_uploaded", new_status_name: "approved" } },
    { userId: 5001, eventType: "payment_approved", details: { booking_id: ids[2]!, approved_by: ADMIN.id } },
    { userId: 5001, eventType: "booking_status_changed", details: { booking_id: String(ids[3]!), old_status: "x", new_status: null } },
  ]);
  await db.insert(outbox).values([
    { dedupeKey: "fuzz:1", kind: "confirmation", chatId: STUDENT.id, text: "hi", bookingId: ids[0]!, status: "sent", sentAt: new Date() },
    { dedupeKey: "fuzz:2", kind: "cancellation", chatId: STUDENT.id, text: "bye", bookingId: ids[1]!, status: "failed", attempts: 8, lastError: "403: <blocked> & gone" },
    { dedupeKey: "fuzz:3", kind: "reminder", chatId: 5001, text: "soon", bookingId: ids[6]!, status: "queued", attempts: 2 },
  ]);
  await db.insert(messageHistory).values({ messageText: "Всем привет", totalRecipients: 3, successfulDeliveries: 2, createdBy: ADMIN.id });
  // A pending booking with its payment proof, for the card's 📎.
  const proofOf = ids[3]!;
  await db.insert(paymentProofs).values({ bookingId: proofOf, userId: rows[3]!.userId, kind: "photo", fileId: "AgAC-fuzz-proof" });
  // Coupons for /coupons: one valid, one switched off whose code (the bookings' above) no link can carry.
  await db.insert(referralCoupons).values([
    { code: "FUZZ0001", name: "Блогер <b>&", discountPercent: 20, maxActivations: 20, currentActivations: 3, createdBy: ADMIN.id },
    { code: "PROMO<10>", discountPercent: 10, maxActivations: 1, currentActivations: 1, createdBy: 0, isActive: 0 },
  ]);
  const status = new Map<number, number>();
  const owner = new Map<number, number>();
  rows.forEach((row, i) => {
    status.set(ids[i]!, row.confirmed);
    owner.set(ids[i]!, row.userId);
  });
  return { status, owner, proofOf };
}

// ── "No row changed" ─────────────────────────────────────────────────────────────────────

const checksumSql = new WeakMap<Database, string>();

/**
 * Conversation state: an admin's half-finished /user or /broadcast is meant to be written there.
 * Everything else (bookings, events, outbox, users, message_history, message_templates, …)
 * must stay as it was.
 */
const SESSION_TABLES = ["bot_state"];

/** Row count and an md5 of the rows of every table in the public schema (new ones included), in one query. */
export async function tableChecksums(database: Database): Promise<Record<string, string>> {
  let sql = checksumSql.get(database);
  if (!sql) {
    const tables = (
      await rawQuery(
        database,
        "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
      )
    ).filter(({ t }) => !SESSION_TABLES.includes(String(t)));
    sql = tables
      .map(({ t }) => `SELECT '${t}' AS t, count(*) || ':' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS h FROM "${t}" x`)
      .join(" UNION ALL ");
    checksumSql.set(database, sql);
  }
  return Object.fromEntries((await rawQuery(database, sql)).map((r) => [String(r.t), String(r.h)]));
}

// ── What every answer must look like ──────────────────────────────────────────────────────

const TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler", "span", "tg-emoji"]);

/** Why Telegram's HTML parser would refuse this text, or undefined. */
export function htmlProblem(text: string): string | undefined {
  const open: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)(?:\s[^<>]*)?>/g;
  for (const m of text.matchAll(tag)) {
    const name = m[2]!.toLowerCase();
    if (!TAGS.has(name)) return `unsupported tag <${m[1]}${m[2]}>`;
    if (!m[1]) open.push(name);
    else if (open.pop() !== name) return `unbalanced </${name}>`;
  }
  if (open.length > 0) return `unclosed <${open.join(">, <")}>`;
  const outside = text.replace(tag, "");
  if (/[<>]/.test(outside)) return `bare < or > in ${JSON.stringify(outside.slice(0, 200))}`;
  const amp = /&(?!(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});)/.exec(outside);
  if (amp) return `bare & at ${amp.index}: ${JSON.stringify(outside.slice(amp.index, amp.index + 20))}`;
  return undefined;
}

type Call = Pick<ApiCall, "method" | "payload">;

/**
 * Beyond the harness's checks (4096 characters, 64-byte callback data): HTML that Telegram's
 * parser accepts, toasts within 200 characters, buttons with a label and one action, and
 * nothing sent to any chat but the one the update came from.
 */
export function expectAcceptableCalls(calls: Call[], chatId: number): void {
  for (const { method, payload } of calls) {
    if (payload.chat_id !== undefined) expect(payload.chat_id, `${method} to another chat`).toBe(chatId);
    if (payload.parse_mode === "HTML" && typeof payload.text === "string") {
      expect(htmlProblem(payload.text), `${method} HTML: ${payload.text.slice(0, 300)}`).toBeUndefined();
    }
    if (method === "answerCallbackQuery" && typeof payload.text === "string") expect([...payload.text].length).toBeLessThanOrEqual(200);
    if (typeof payload.caption === "string") expect(payload.caption.length, `${method} caption`).toBeLessThanOrEqual(1024);
    if (typeof payload.text === "string") expect(payload.text.trim().length, `${method} with empty text`).toBeGreaterThan(0);
    for (const button of (payload.reply_markup?.inline_keyboard ?? []).flat() as InlineKeyboardButton[]) {
      expect(button.text.trim().length, "button without a label").toBeGreaterThan(0);
      expect("callback_data" in button || "url" in button, `button without an action: ${JSON.stringify(button)}`).toBe(true);
    }
  }
}

/** Log lines written since `mark`, and a check that none reports a failure. */
export function logWatch(h: Harness) {
  let mark = h.logs.length;
  return {
    reset: () => void (mark = h.logs.length),
    lines: () => h.logs.slice(mark),
    /** The error boundary was not reached, and nothing warned. */
    expectQuiet() {
      const loud = h.logs.slice(mark).filter((l) => l.msg === "update failed" || Number(l.level) >= 40);
      expect(loud.map((l) => ({ msg: l.msg, err: (l.err as { message?: string } | undefined)?.message }))).toEqual([]);
    },
    expectNoTokenLogged() {
      expect(JSON.stringify(h.logs)).not.toContain(TEST_TOKEN.split(":")[1]);
    },
  };
}

export const answers = (calls: Call[]) => calls.filter((c) => c.method === "answerCallbackQuery");
export const sent = (calls: Call[]) => calls.filter((c) => c.method === "sendMessage");

// ── Messages to press on ──────────────────────────────────────────────────────────────────

let nextSyntheticId = 9_000_000;

/**
 * A message "the bot sent earlier" put straight into the fake API's store, so edits of it
 * succeed; each press gets a fresh one, so one case's edit never makes the next one's identical.
 */
export function botMessage(h: Harness, chatId: number, text = "Список заявок", markup?: Message["reply_markup"]): Message {
  const message = {
    message_id: nextSyntheticId++,
    date: Math.floor(Date.now() / 1000) - 60,
    chat: { id: chatId, type: "private", first_name: "Chat" },
    from: BOT_INFO,
    text,
    ...(markup ? { reply_markup: markup } : {}),
  } as Message;
  h.api.messages.set(`${chatId}:${message.message_id}`, message);
  return message;
}

// ── Nasty text ──────────────────────────────────────────────────────────────────────────

export const NASTY = [
  " ", "\n", "\t", "\r\n", "\u0000", "\u0007", "\u001b[31m", "\u200b", "\u202e", "\u2066", "\ufeff", "\u00a0",
  "<b>", "</b>", "<script>alert(1)</script>", "&", "&amp;", "&lt;", "<a href=\"x\">", "]]>", "\"", "'", "`",
  "'; DROP TABLE bookings; --", "' OR '1'='1", "1; DELETE FROM users", "%", "_", "\\", "$1", "${x}", "{first_name}", "{course}", "{}",
  "NULL", "null", "undefined", "NaN", "Infinity", "true", "[]", "{\"a\":1}",
  "-1", "0", "1", "01", "007", "1e3", "0x1f", "1.5", "+1", "2147483647", "2147483648", "4294967296",
  "9007199254740991", "9007199254740993", "99999999999999999999", "-0", "١٢٣", "１２３", "²",
  "@", "@_", "@a", "@ivan_petrov", "ira_student", "@IRA_STUDENT", "@under_score", "@" + "a".repeat(32), "@" + "a".repeat(33), "@1abc",
  "new", "NEW", " pending ", "Confirmed", "cancelled", "canceled", "all", "подтверждённые", "ПОДТВЕРЖДЁННЫЕ", "все", "Ожидание",
  "constructor", "__proto__", "toString", "hasOwnProperty", "prototype",
  "#1", "#0", "# 1", "##1", "1 2",
  "👨‍👩‍👧‍👦", "🇷🇺", "😀", "e\u0301", "مرحبا", "שלום", "𝕏", "Ǆ", "ß", "İ",
  "/cancel", "/start", "/bookings", "@bookings_admin_bot", "/b1", "/u1",
];

const controlChar = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));
const nastyPiece = fc.constantFrom(...NASTY);

/** Arbitrary text a person (or a script) could send: short, mixed, long, up to Telegram's 4096. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: controlChar, maxLength: 12 }) },
  { weight: 4, arbitrary: nastyPiece },
  { weight: 3, arbitrary: fc.array(fc.oneof(nastyPiece, fc.string({ maxLength: 6 })), { minLength: 2, maxLength: 6 }).map((a) => a.join("")) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("a", "я", "😀", "<", "&", "1", " ", "👨‍👩‍👧‍👦", "_"), fc.integer({ min: 1000, max: 4096 }))
      .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length))),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1000, maxLength: 4096, size: "max" }) },
);

/**
 * A text as a bot receives it: Telegram's clients clean what is typed before sending
 * (tdlib's clean_input_string: C0 control characters but "\n" become spaces, "\r" and
 * U+2028–U+202E are dropped; the text is trimmed and never empty), and at most 4096 UTF-16
 * units arrive. A surrogate pair is never cut in half.
 * (This matters: a raw U+0000 in a message that a conversation waits for makes the bot_state
 * jsonb write fail — "unsupported Unicode escape sequence" — which real updates cannot trigger.)
 */
export function telegramText(typed: string, max = 4096): string {
  let text = typed
    .replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f]/g, " ")
    .replace(/[\r\u2028-\u202e]/g, "")
    .trim();
  if (text.length > max) {
    text = text.slice(0, max);
    if (/[\ud800-\udbff]$/.test(text)) text = text.slice(0, -1);
  }
  return text === "" ? "?" : text;
}

/** Telegram's callback_data is 1–64 bytes. */
export const fitsCallbackData = (data: string) => data.length > 0 && Buffer.byteLength(data) <= 64;

/** Small changes a forger (or a bit flip) makes to a well-formed payload. */
export function nearMiss(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const how = fc.constantFrom("as-is", "as-is", "as-is", "append", "prepend", "truncate", "case", "insert", "double-sep", "replace-char");
  return fc
    .tuple(base, how, fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(":", "/", ".", " ", "\n", "-", "0", "z", "é", "😀", "\u0000")), fc.nat())
    .map(([data, kind, extra, at]) => {
      const i = data.length === 0 ? 0 : at % data.length;
      switch (kind) {
        case "append":
          return data + extra;
        case "prepend":
          return extra + data;
        case "truncate":
          return data.slice(0, i);
        case "case":
          return data.toUpperCase() === data ? data.toLowerCase() : data.toUpperCase();
        case "insert":
          return data.slice(0, i) + extra + data.slice(i);
        case "double-sep":
          return data.replace(/[:/.]/, (s) => s + s);
        case "replace-char":
          return data.slice(0, i) + (extra || "x") + data.slice(i + 1);
        default:
          return data;
      }
    })
    .filter(fitsCallbackData);
}

export type FuzzBot = { database: TestDatabase; h: Harness; data: FuzzData; initial: Record<string, string> };

/** What every fuzz file starts from: a fresh database with the fuzz data, the real bot on it, and the tables' checksums. */
export async function openFuzzBot(): Promise<FuzzBot> {
  const database = await createTestDatabase();
  const data = await seedFuzzData(database);
  const h = await createHarness(database.db, { PAGE_SIZE: "3" });
  return { database, h, data, initial: await tableChecksums(database) };
}

export async function closeFuzzBot(bot: Partial<FuzzBot>): Promise<void> {
  await bot.h?.close();
  await bot.database?.dispose();
}
