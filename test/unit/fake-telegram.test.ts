import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, GrammyError } from "grammy";
import type { Message } from "grammy/types";
import { unreachableDatabase } from "../helpers/db";
import { FakeTelegram, telegramLimitProblems } from "../helpers/fake-telegram";
import { lateBound } from "../helpers/late-bound";
import { TEST_TOKEN, createHarness } from "../helpers/harness";
import { STRANGER } from "../helpers/updates";

/**
 * The fake Bot API holds every call to Telegram's limits, so a test of the bot cannot pass with
 * a call the real one would refuse. These check that the checks themselves still bite: a limit
 * dropped from telegramLimitProblems, from the fake's answers or from the harness fails here.
 */
const x = (n: number) => "x".repeat(n);

describe("telegramLimitProblems", () => {
  it.each([
    ["answerCallbackQuery", { text: x(200) }],
    ["sendMessage", { text: x(4096) }],
    ["editMessageText", { text: x(4096) }],
    ["sendPhoto", { caption: x(1024) }],
    ["sendDocument", { caption: x(1024) }],
    ["copyMessage", { caption: x(1024) }],
    ["editMessageCaption", { caption: x(1024) }],
    ["sendMessage", { text: "t", reply_markup: { inline_keyboard: [[{ text: "b", callback_data: x(64) }]] } }],
  ])("lets %s through at the limit", (method, payload) => {
    expect(telegramLimitProblems(method, payload)).toEqual([]);
  });

  it.each([
    ["answerCallbackQuery", { text: x(201) }, "answerCallbackQuery: text over 200 characters (201)"],
    ["sendMessage", { text: x(4097) }, "sendMessage: text over 4096 characters (4097)"],
    ["editMessageText", { text: x(4097) }, "editMessageText: text over 4096 characters (4097)"],
    ["sendPhoto", { caption: x(1025) }, "sendPhoto: caption over 1024 characters (1025)"],
    ["sendDocument", { caption: x(1025) }, "sendDocument: caption over 1024 characters (1025)"],
    ["copyMessage", { caption: x(1025) }, "copyMessage: caption over 1024 characters (1025)"],
    ["editMessageCaption", { caption: x(1025) }, "editMessageCaption: caption over 1024 characters (1025)"],
    ["sendMessage", { text: "t", reply_markup: { inline_keyboard: [[{ text: "b", callback_data: x(65) }]] } }, `sendMessage: callback_data not 1-64 bytes: ${x(65)}`],
    ["sendMessage", { text: "t", reply_markup: { inline_keyboard: [[{ text: "b", callback_data: "" }]] } }, "sendMessage: callback_data not 1-64 bytes: "],
    ["sendMessage", { text: "t", reply_markup: { inline_keyboard: [[]] } }, 'sendMessage: empty keyboard row in {"inline_keyboard":[[]]}'],
  ])("refuses %s one past it", (method, payload, problem) => {
    expect(telegramLimitProblems(method, payload)).toEqual([problem]);
  });

  it("counts a toast in UTF-16 units, stricter than Telegram's characters", () => {
    expect(telegramLimitProblems("answerCallbackQuery", { text: "😀".repeat(100) })).toEqual([]);
    expect(telegramLimitProblems("answerCallbackQuery", { text: `${"😀".repeat(100)}x` })).toEqual(["answerCallbackQuery: text over 200 characters (201)"]);
  });
});

/** For a describe: a fresh fake Bot API, and grammY's client talking to it. */
function useFakeApi() {
  const fake = lateBound<FakeTelegram>("the fake Bot API");
  const api = lateBound<Api>("the client");
  beforeAll(async () => {
    const made = await FakeTelegram.start();
    fake.bind(made);
    api.bind(new Api(TEST_TOKEN, { apiRoot: made.apiRoot }));
  });
  afterAll(() => fake.target?.close());
  return { fake: fake.value, api: api.value };
}

describe("the fake Bot API", () => {
  const { fake, api } = useFakeApi();

  /** The Telegram error a call was refused with. */
  const refusal = (call: Promise<unknown>) =>
    call.then(
      () => undefined,
      (err: unknown) => (err instanceof GrammyError ? { code: err.error_code, description: err.description } : err),
    );

  it("answers a toast of 200 characters and refuses one of 201 with 400, as Telegram does, and keeps it as a violation", async () => {
    expect(await api.answerCallbackQuery("q1", { text: x(200) })).toBe(true);
    expect(await refusal(api.answerCallbackQuery("q2", { text: x(201) }))).toEqual({
      code: 400,
      description: "Bad Request: answerCallbackQuery: text over 200 characters (201)",
    });
    expect(fake.violations).toEqual(["answerCallbackQuery: text over 200 characters (201)"]);
    expect(fake.callsOf("answerCallbackQuery").map((c) => c.outcome)).toEqual(["ok", 400]);
  });

  it("sends a photo with a caption of 1,024 characters and refuses 1,025, on sends and caption edits alike", async () => {
    fake.violations.length = 0;
    const photo = await api.sendPhoto(7, "file-id", { caption: x(1024) });
    expect(photo.caption).toBe(x(1024));
    expect(await refusal(api.sendPhoto(7, "file-id", { caption: x(1025) }))).toEqual({
      code: 400,
      description: "Bad Request: sendPhoto: caption over 1024 characters (1025)",
    });
    expect(await refusal(api.editMessageCaption(7, photo.message_id, { caption: x(1025) }))).toEqual({
      code: 400,
      description: "Bad Request: editMessageCaption: caption over 1024 characters (1025)",
    });
    expect(fake.violations).toEqual(["sendPhoto: caption over 1024 characters (1025)", "editMessageCaption: caption over 1024 characters (1025)"]);
    expect(fake.delivered().map((d) => d.text)).toEqual([x(1024)]);
  });
});

describe("the fake Bot API's flood limits", () => {
  const { fake, api } = useFakeApi();
  const code = (call: Promise<unknown>) => call.then(() => "ok", (err: unknown) => (err instanceof GrammyError ? `${err.error_code} after ${err.parameters.retry_after}` : err));

  it("takes 20 calls a minute to a group, edits included, then refuses until the oldest leaves the minute", async () => {
    fake.enforceLimits({ groupPerMinute: 20, countChanges: true });
    const first = await api.sendMessage(-100, "0");
    for (let i = 1; i < 19; i++) await api.sendMessage(-100, String(i));
    expect(await code(api.editMessageText(-100, first.message_id, "edited"))).toBe("ok");
    const refused = await code(api.sendMessage(-100, "21st"));
    expect(refused).toMatch(/^429 after (59|60)$/);
    // Every call inside the announced window is refused too; another chat is not held.
    expect(await code(api.editMessageText(-100, first.message_id, "again"))).toMatch(/^429 after/);
    expect(await code(api.sendMessage(-200, "other group"))).toBe("ok");
    expect(await code(api.sendMessage(5, "a student"))).toBe("ok");
  });

  it("holds a private chat to one new message a second, and its edits to nothing but the overall limit", async () => {
    fake.enforceLimits({ perChatMs: 1000, perSecond: 30, countChanges: true });
    const m = await api.sendMessage(7, "one");
    expect(await code(api.sendMessage(7, "two"))).toBe("429 after 1");
    expect(await code(api.editMessageText(8, (await api.sendMessage(8, "x")).message_id, "edit"))).toBe("ok");
    expect(m.message_id).toBeGreaterThan(0);
  });
});

describe("the harness", () => {
  // Nothing here needs a database: a stranger's press is refused before any query.
  const nowhere = unreachableDatabase();
  afterAll(() => nowhere.close());
  const message: Message = { message_id: 1, date: 0, chat: { id: STRANGER.id, type: "private", first_name: "S" } } as Message;

  it("fails the update whose answer Telegram would refuse, and fails close() for it too", async () => {
    const h = await createHarness(nowhere.db);
    // The bot's refusal to a stranger, made one character too long on its way out.
    h.bot.api.config.use((prev, method, payload, signal) =>
      prev(method, (method === "answerCallbackQuery" ? { ...payload, text: x(201) } : payload) as typeof payload, signal),
    );
    await expect(h.pressData(message, "l:a.a", STRANGER)).rejects.toThrow("answerCallbackQuery: text over 200 characters (201)");
    await expect(h.close()).rejects.toThrow("calls Telegram would refuse:\nanswerCallbackQuery: text over 200 characters (201)");
  });

  it("fails close() for a caption Telegram would refuse, sent by anyone (the delivery worker sends outside an update)", async () => {
    const h = await createHarness(nowhere.db);
    const worker = new Api(TEST_TOKEN, { apiRoot: h.api.apiRoot });
    await expect(worker.sendDocument(7, "file-id", { caption: x(1025) })).rejects.toThrow(GrammyError);
    await expect(h.close()).rejects.toThrow("calls Telegram would refuse:\nsendDocument: caption over 1024 characters (1025)");
  });

  it("closes quietly when every call was within the limits", async () => {
    const h = await createHarness(nowhere.db);
    const calls = await h.pressData(message, "l:a.a", STRANGER);
    expect(calls.map((c) => c.method)).toEqual(["answerCallbackQuery"]);
    await expect(h.close()).resolves.toBeUndefined();
  });
});

describe("the fake Bot API's limits (as Telegram's)", () => {
  it("refuses text over 4,096, captions over 1,024, toasts over 200 and callback_data over 64 bytes", () => {
    expect(telegramLimitProblems("sendMessage", { text: "x".repeat(4096) })).toEqual([]);
    expect(telegramLimitProblems("sendMessage", { text: "x".repeat(4097) })).toEqual(["sendMessage: text over 4096 characters (4097)"]);
    expect(telegramLimitProblems("sendPhoto", { caption: "x".repeat(1024) })).toEqual([]);
    expect(telegramLimitProblems("sendDocument", { caption: "x".repeat(1025) })).toEqual(["sendDocument: caption over 1024 characters (1025)"]);
    expect(telegramLimitProblems("editMessageCaption", { caption: "x".repeat(1025) })).toHaveLength(1);
    expect(telegramLimitProblems("answerCallbackQuery", { text: "x".repeat(200) })).toEqual([]);
    expect(telegramLimitProblems("answerCallbackQuery", { text: "😀".repeat(101) })).toEqual(["answerCallbackQuery: text over 200 characters (202)"]);
    const button = (data: string) => ({ reply_markup: { inline_keyboard: [[{ text: "b", callback_data: data }]] } });
    expect(telegramLimitProblems("sendMessage", { text: "x", ...button("я".repeat(32)) })).toEqual([]);
    expect(telegramLimitProblems("sendMessage", { text: "x", ...button("я".repeat(33)) })).toHaveLength(1);
    expect(telegramLimitProblems("sendPhoto", { caption: "x", ...button("") })).toHaveLength(1);
    expect(telegramLimitProblems("sendMessage", { text: "x", reply_markup: { inline_keyboard: [[]] } })).toEqual([
      'sendMessage: empty keyboard row in {"inline_keyboard":[[]]}',
    ]);
  });
});
