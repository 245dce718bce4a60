import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Message, User } from "grammy/types";
import { isActionAllowed } from "../../src/bookings/change-status";
import { TEMPLATE_KINDS, type TemplateKind } from "../../src/bookings/templates";
import { parseCard, parseCoupons, parseCourses, parseProof, parseStudent, parseWorkshops } from "../../src/bot/callback-data";
import { ru as t } from "../../src/bot/i18n";
import { rawQuery } from "../helpers/db";
import { createHarness, type Harness } from "../helpers/harness";
import { ADMIN, STRANGER } from "../helpers/updates";
import { answers, expectAcceptableCalls, forEachCase, sent } from "./answers";
import { adminData, randomData, studentData } from "./callback-arbitraries";
import { botMessage, useFuzzBot } from "./fuzz-bot";
import { STUDENT } from "./fuzz-data";

/**
 * Property: any callback_data — the formats the bot packs, near misses of them, random bytes —
 * pressed by an admin (idle or half-way through a conversation), a stranger or a student gets
 * exactly one answerCallbackQuery, never reaches the error boundary, and changes no row.
 * Each press lands on a fresh bot message, so one case's edit never makes the next one's a
 * "message is not modified" (double taps have their own file).
 */

const { database, h, data, expectNoRowChanged } = useFuzzBot();

/** Which streams are open, courses active and coupons on in the fuzz data (the fuzz never changes them). */
let streamOpen: Map<string, boolean>;
let courseActive: Map<number, boolean>;
let couponOn: Map<number, boolean>;

beforeAll(async () => {
  const rows = (sql: string) => rawQuery(database, sql);
  streamOpen = new Map((await rows("SELECT code, is_open FROM streams")).map((r) => [String(r.code), r.is_open === true]));
  courseActive = new Map((await rows("SELECT id, is_active FROM courses")).map((r) => [Number(r.id), r.is_active === true]));
  couponOn = new Map((await rows("SELECT id, is_active FROM referral_coupons")).map((r) => [Number(r.id), r.is_active === 1]));
});

/** A press that would really change a booking, a stream, a course or a coupon: the fuzz keeps away from those. */
function changesData(d: string): boolean {
  const card = parseCard(d);
  if (card?.op === "do") return data.status.get(card.id) === card.seen && isActionAllowed(card.action, card.seen);
  const course = parseCourses(d);
  if (course?.op === "do" && "code" in course) return streamOpen.get(course.code) === (course.action === "close");
  if (course?.op === "do" && "courseId" in course) return courseActive.get(course.courseId) === (course.action === "deactivate");
  const coupon = parseCoupons(d);
  return coupon?.op === "do" && couponOn.get(coupon.id) === (coupon.action === "deactivate");
}

/**
 * Presses that start a conversation of their own: a cancel reason, a rename, a new stream or
 * coupon. (A template edit starts from the /templates menu, whose data no forger can make
 * current: the plugin's hash does not match.)
 */
function entersConversation(d: string): boolean {
  const card = parseCard(d);
  const course = parseCourses(d)?.op;
  return (
    (card?.op === "reason" && data.status.get(card.id) === card.seen) ||
    course === "rename-course" || course === "rename-stream" || course === "start-date" || course === "new-stream" ||
    parseCoupons(d)?.op === "create"
  );
}

/** What a press of a /courses, /coupons or /workshops button no screen could have carried answers. */
function staleAnswer(d: string): string | undefined {
  if (d.startsWith("cs:")) return parseCourses(d) ? undefined : t.courses.staleButton;
  if (d.startsWith("cp:")) return parseCoupons(d) ? undefined : t.coupons.staleButton;
  if (d.startsWith("w:")) return parseWorkshops(d) ? undefined : t.workshops.staleButton;
  return /^(l:|bk\/|c:|t[/-]|p:)/.test(d) ? undefined : t.staleButton;
}

const CONVERSATION_CANCELLED = [t.cancelled, t.card.keptIt];
const FAILURE_NOTICES: unknown[] = [t.somethingWentWrong, t.databaseUnavailable];

async function press(d: string, from: User) {
  const calls = await h.pressData(botMessage(h, from.id), d, from);
  expectAcceptableCalls(calls, from.id);
  expect(answers(calls), "one answerCallbackQuery per press").toHaveLength(1);
  const answer = answers(calls)[0]!.payload;
  expect(FAILURE_NOTICES).not.toContain(answer.text);
  return { calls, answer };
}

/** Opens the template editor the way an admin does: /templates, then its ✏️ button. */
async function editTemplate(kind: TemplateKind): Promise<void> {
  await h.send("/templates");
  await h.press(h.lastSent(), t.templates.edit(t.templates.name[kind]!));
}

/** Leaves whatever conversation the admin is in; the next plain message is not taken by one. */
async function leaveConversation(): Promise<void> {
  const cancel = await h.send("/cancel");
  expect([...CONVERSATION_CANCELLED, t.unknownCommand]).toContain(cancel[0]!.payload.text);
}

describe("random callback_data", () => {
  it("pressed by an admin: one answer, no failure, no row changed", async () => {
    const watch = await forEachCase(h, adminData().filter((d) => !changesData(d)), 1000, async (d, watch) => {
      const { calls, answer } = await press(d, ADMIN);
      const stale = staleAnswer(d);
      if (stale) expect(answer.text).toBe(stale);
      // 📎 of a booking with proofs sends them again (the seed has one), to the admin alone.
      const proof = parseProof(d);
      if (proof) expect(calls.filter((c) => c.method === "sendPhoto")).toHaveLength(proof.bookingId === data.proofOf ? 1 : 0);
      if (entersConversation(d)) {
        expect(sent(calls), "the conversation asks its question").toHaveLength(1);
        await leaveConversation();
      }
      watch.expectQuiet();
      await expectNoRowChanged();
    });
    watch.expectNoTokenLogged();
  }, 60_000);

  it("pressed by an admin half-way through a conversation: the conversation lets it pass, one answer, no row changed", async () => {
    const contexts = fc.constantFrom("user", "broadcast", "template", "reason");
    // A press that starts a conversation of its own replaces the one waiting; /cancel then leaves it.
    const presses = adminData().filter((d) => !changesData(d));
    await forEachCase(h, fc.tuple(contexts, fc.constantFrom(...TEMPLATE_KINDS), presses), 300, async ([context, kind, d], watch) => {
      if (context === "user") await h.send("/user");
      if (context === "broadcast") await h.send("/broadcast");
      if (context === "template") await editTemplate(kind);
      if (context === "reason") await h.pressData(botMessage(h, ADMIN.id), `c:w:1:${data.status.get(1)}`);
      await press(d, ADMIN);
      await leaveConversation();
      expect((await h.send("hello"))[0]!.payload.text, "no conversation left behind").toBe(t.notUnderstood);
      watch.expectQuiet();
      await expectNoRowChanged();
    });
  }, 60_000);

  it("pressed by a stranger: one refusal, nothing else, no row changed", async () => {
    await forEachCase(h, fc.oneof(adminData(), randomData), 500, async (d, watch) => {
      const { calls, answer } = await press(d, STRANGER);
      if (!d.startsWith("s:")) {
        expect(calls).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: t.notAdminButton }) }]);
      }
      expect(answer.text).not.toBe(t.students.booked);
      watch.expectQuiet();
      await expectNoRowChanged();
    });
  }, 60_000);

  it("student buttons pressed by a student: someone else's booking looks missing, nothing is booked or cancelled", async () => {
    await forEachCase(h, studentData, 500, async (d, watch) => {
      const { answer } = await press(d, STUDENT);
      const parsed = parseStudent(d);
      if (!parsed) expect(answer.text).toBe(d.startsWith("s:") ? t.students.staleButton : t.notAdminButton);
      if (parsed?.op === "book") expect([t.students.streamClosed, t.students.alreadyBooked]).toContain(answer.text);
      if (parsed?.op === "cancel" || parsed?.op === "cancel-yes") {
        const own = data.owner.get(parsed.id) === STUDENT.id;
        expect(answer.text).toBe(own ? t.students.cannotCancel : t.students.staleButton);
      }
      watch.expectQuiet();
      await expectNoRowChanged();
    });
  }, 60_000);
});

describe("presses in the admin group (ADMIN_CHAT_ID)", () => {
  const GROUP = -1_001_000_000_777;
  let group: Harness;
  beforeAll(async () => {
    group = await createHarness(database.db, { PAGE_SIZE: "3", ADMIN_CHAT_ID: String(GROUP) });
  });
  afterAll(() => group?.close());

  /** A fresh message of the bot in the group to press on. */
  const groupMessage = (): Message => {
    const message = botMessage(group, GROUP, "Новая заявка");
    const inGroup = { ...message, chat: { id: GROUP, type: "supergroup", title: "Admins" } } as Message;
    group.api.messages.set(`${GROUP}:${message.message_id}`, inGroup);
    return inGroup;
  };

  it("by an admin: one answer, only in the group, no failure, no row changed", async () => {
    await forEachCase(group, adminData().filter((d) => !changesData(d)), 500, async (d, watch) => {
      const calls = await group.pressData(groupMessage(), d, ADMIN);
      expectAcceptableCalls(calls, GROUP);
      expect(answers(calls), "one answerCallbackQuery per press").toHaveLength(1);
      expect(FAILURE_NOTICES).not.toContain(answers(calls)[0]!.payload.text);
      if (!/^(c:|p:)/.test(d)) expect(answers(calls)[0]!.payload.text).toBe(t.staleButton);
      watch.expectQuiet();
      await expectNoRowChanged();
    });
  }, 60_000);

  it("by anyone else: one refusal and nothing else, whatever the data", async () => {
    await forEachCase(group, fc.tuple(fc.oneof(adminData(), randomData, studentData), fc.constantFrom(STRANGER, STUDENT)), 300, async ([d, from], watch) => {
      const calls = await group.pressData(groupMessage(), d, from);
      expect(calls).toEqual([{ method: "answerCallbackQuery", payload: expect.objectContaining({ text: t.notAdminButton }) }]);
      watch.expectQuiet();
      await expectNoRowChanged();
    });
  }, 60_000);
});
