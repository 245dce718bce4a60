import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { MAX_COUPON_NAME } from "../../src/bookings/coupon-rules";
import { COUPONS_CHOICE, COURSES_CHOICE, packBroadcastGroup, packBroadcastStatus, type BroadcastStatusCode } from "../../src/bot/callback-data";
import { MAX_TEMPLATE_LENGTH, TEMPLATE_KINDS, type TemplateKind } from "../../src/bookings/templates";
import { ru as t } from "../../src/bot/i18n";
import { ADMIN } from "../helpers/updates";
import { expectAcceptableCalls, forEachCase, logWatch, sent } from "./answers";
import { botMessage, useFuzzBot } from "./fuzz-bot";
import { anyText, telegramText } from "./texts";

/**
 * Property: whatever an admin sends while a conversation waits for text — the student to look
 * up, a template's new text, a broadcast's text, a cancel reason, a course's or stream's name, a
 * start date, a new stream's code, a coupon's values, name or code — gets an acceptable answer
 * without reaching the error boundary, nothing is saved before the confirming press, and
 * /cancel leaves no conversation behind.
 */

const { h, expectNoRowChanged } = useFuzzBot();

/** Opens a conversation so that the next text message is its answer. */
const OPEN = {
  async user() {
    await h.send("/user");
  },
  async template(kind: TemplateKind) {
    await h.send("/templates");
    await h.press(h.lastSent(), t.templates.edit(t.templates.name[kind]!));
  },
  async broadcast(status: BroadcastStatusCode) {
    await h.send("/broadcast");
    const menu = h.lastSent();
    await h.pressData(menu, packBroadcastStatus(status));
    await h.pressData(h.api.message(ADMIN.id, menu.message_id)!, packBroadcastGroup(0));
  },
  async reason(id: number) {
    await h.pressData(botMessage(h, ADMIN.id), `c:w:${id}:0`);
  },
  /** A course's name, a stream's title or start date. */
  async course(data: string) {
    await h.pressData(botMessage(h, ADMIN.id), data);
    expect(h.lastSent().text).toMatch(/^Пришлите (новое название|дату старта)/);
  },
  /** A new stream, at its code (0), title (1) or start date (2) step. */
  async newStream(step: number) {
    await h.pressData(botMessage(h, ADMIN.id), "cs:n:1");
    if (step >= 1) await h.pressData(h.lastSent(), COURSES_CHOICE.code);
    if (step >= 2) await h.pressData(h.lastSent(), COURSES_CHOICE.title);
    expect(h.lastSent().text).toMatch([/^➕ Новый поток/, /^Название: предлагаю/, /^Дата старта/][step]!);
  },
  /** A new coupon, at its preset (0), own values (1), name (2) or code (3) step. */
  async coupon(step: number) {
    await h.pressData(botMessage(h, ADMIN.id), "cp:+");
    if (step === 1) await h.pressData(h.lastSent(), COUPONS_CHOICE.custom);
    if (step >= 2) await h.pressData(h.lastSent(), COUPONS_CHOICE.preset(0));
    if (step >= 3) await h.pressData(h.lastSent(), COUPONS_CHOICE.noName);
    expect(h.lastSent().text).toBe([t.coupons.askPreset, t.coupons.askCustom, t.coupons.askName(MAX_COUPON_NAME), t.coupons.askCode][step]);
  },
};

const answerText = fc
  .oneof(
    { weight: 6, arbitrary: anyText },
    { weight: 1, arbitrary: fc.constantFrom("/user", "/broadcast", "/templates", "/bookings", "/cancel@bookings_admin_bot", "/cancel now", "{reason}", "{first_name} {course} {stream} {start_date} {reason}", "{nope}", "{", "}{", "{ first_name }") },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom("{first_name}", "{course}", "{stream}", "{start_date}", "x", "я", "😀"), fc.integer({ min: 1, max: 500 })).map(([s, n]) => s.repeat(n)) },
    // What /courses and /coupons ask for: dates, codes, titles, discounts, near and far.
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom("15.01.2027", "15.01.2027 19:00", "31.02.2027", "01.01.2020", "01.01.2099", "1.1.2027", "15.01.2027 24:00", "2027-01-15", "7th_stream", "9th_stream", "x".repeat(50), "x".repeat(51), "a b", "15 30", "0 5", "100 1", "15 100001", "15% 30", "FUZZ0001", "fuzz0001", "PROMO<10>", "ABCD1234", "abcd123"),
        fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 1990, max: 2100 })).map(([d, m, y]) => `${d}.${m}.${y}`),
        fc.tuple(fc.integer({ min: -5, max: 150 }), fc.integer({ min: -5, max: 200_000 })).map(([p, a]) => `${p} ${a}`),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,60}$/),
      ),
    },
  )
  .map((t) => telegramText(t));

describe("text sent to a waiting conversation", () => {
  it("gets one acceptable answer, saves nothing, and /cancel leaves", async () => {
    const contexts = fc.oneof(
      fc.constant(["user"] as const),
      fc.tuple(fc.constant("template" as const), fc.constantFrom(...TEMPLATE_KINDS)),
      fc.tuple(fc.constant("broadcast" as const), fc.constantFrom("c", "p", "n", "x", "a" as const)),
      fc.tuple(fc.constant("reason" as const), fc.integer({ min: 1, max: 18 })),
      fc.tuple(fc.constant("course" as const), fc.constantFrom("cs:r:1", "cs:r:2", "cs:t:7th_stream", "cs:w:7th_stream", "cs:w:8th_stream")),
      fc.tuple(fc.constant("newStream" as const), fc.integer({ min: 0, max: 2 })),
      fc.tuple(fc.constant("coupon" as const), fc.integer({ min: 0, max: 3 })),
    );
    await forEachCase(h, fc.tuple(contexts, answerText), 600, async ([[context, arg], text], watch) => {
      await (OPEN[context] as (a?: unknown) => Promise<void>)(arg);
      const calls = await h.send(text);
      expectAcceptableCalls(calls, ADMIN.id);
      expect(sent(calls).length + calls.filter((c) => c.method === "sendDocument").length, "one answer").toBe(1);
      await h.send("/cancel");
      expect((await h.send("hello"))[0]!.payload.text, "no conversation left behind").toBe(t.notUnderstood);
      watch.expectQuiet();
      await expectNoRowChanged();
    });
  }, 60_000);
});

describe("regressions", () => {
  afterEach(async () => {
    await h.send("/cancel");
  });

  // Guards the order in src/bot/index.ts: every conversation is installed before any command that enters one.
  it("/broadcast while /user waits starts the broadcast", async () => {
    await OPEN.user();
    const watch = logWatch(h);
    const calls = await h.send("/broadcast");
    expect(sent(calls).map((c) => c.payload.text)).toEqual([t.broadcast.whom]);
    watch.expectQuiet();
  });

  // Guards the template limit: placeholders grow when filled in (375 × "{course}" once previewed at 4146 characters).
  it("a template at the length limit gets a preview Telegram accepts", async () => {
    const body = "{course}".repeat(MAX_TEMPLATE_LENGTH / 8);
    expect(body.length).toBe(MAX_TEMPLATE_LENGTH);
    await OPEN.template("confirmation");
    const watch = logWatch(h);
    const calls = await h.send(body); // the harness throws on a text over 4096
    expect(sent(calls)).toHaveLength(1);
    watch.expectQuiet();
  });
});
