import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { run, type RunnerHandle } from "@grammyjs/runner";
import type { User } from "grammy/types";
import { createBot } from "../../src/bot";
import { ru as t } from "../../src/bot/i18n";
import { ALLOWED_UPDATES } from "../../src/bot/webhook";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { BOT_INFO, FakeTelegram } from "../helpers/fake-telegram";
import { captureLogs, testConfig, unlimitedBudget } from "../helpers/harness";
import { TcpProxy } from "../helpers/tcp-proxy";
import { ADMIN, STRANGER, messageUpdate } from "../helpers/updates";
import { eventually } from "../helpers/eventually";

/**
 * Long polling as src/main.ts runs it (@grammyjs/runner's `run`, the same allowed_updates)
 * against the fake Bot API while getUpdates fails: 500s, a 429 with retry_after, and the API
 * unreachable altogether. Polling must resume by itself, and every update pushed meanwhile must
 * be answered exactly once, each chat's in order.
 */

let database: TestDatabase;
let api: FakeTelegram;
let runner: RunnerHandle | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await FakeTelegram.start();
  // The runner reports failed fetches on the console (main.ts does not silence it); keep test output clean.
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(async () => {
  if (runner?.isRunning()) await runner.stop();
  runner = undefined;
  // The fake API finishes a poll the stopped runner abandoned (taking any queued updates with it,
  // where Telegram would resend unconfirmed ones): let it finish before the next test pushes any.
  await eventually("every poll answered", pollsAnswered);
});

/** Every getUpdates the fake API received has been answered (none is holding updates). */
const pollsAnswered = () => api.callsOf("getUpdates").every((c) => c.outcome !== undefined);
afterAll(async () => {
  vi.restoreAllMocks();
  await api?.close();
  await database?.dispose();
});

function startPolling(apiRoot: string) {
  const logs = captureLogs();
  const bot = createBot({ config: testConfig(), logger: logs.logger, db: database.db, clock: () => new Date(), budget: unlimitedBudget() }, { botInfo: BOT_INFO, client: { apiRoot } });
  runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
  return { bot, logs: logs.lines };
}

const repliesTo = (chatId: number) => api.callsOf("sendMessage").filter((c) => c.payload.chat_id === chatId && c.outcome === "ok");
const users: User[] = Array.from({ length: 5 }, (_, i) => ({ id: 880_000 + i, is_bot: false, first_name: `S${i}` }));

/** A burst: the admin's /help, then per student /help ×3 (the pointer to /start) — each must be answered once, in order. */
function pushBurst() {
  const burst = [messageUpdate("/help", ADMIN), ...users.flatMap((u) => [1, 2, 3].map(() => messageUpdate("/help", u)))];
  api.pushUpdates(...burst);
  return burst;
}

/**
 * Each chat of the burst then sends one more update and gets its answer: a chat's updates are
 * answered in order, so any duplicate of the burst would have been answered by then. Then the
 * burst's answers are counted.
 */
async function expectBurstAnsweredOnce(since: number) {
  api.pushUpdates(messageUpdate("/lang ru", ADMIN), ...users.map((u) => messageUpdate("/start", u)));
  const sentinel = (chatId: number, text: (reply: string) => boolean) => repliesTo(chatId).some((c) => c.at >= since && text(String(c.payload.text)));
  await eventually("the chats' next answers", () => sentinel(ADMIN.id, (r) => r === t.lang.set) && users.every((u) => sentinel(u.id, (r) => r.startsWith("Здравствуйте"))));
  const admin = repliesTo(ADMIN.id).filter((c) => c.at >= since && c.payload.text !== t.lang.set);
  expect(admin.map((c) => c.payload.text!.split("\n")[0])).toEqual([t.help.title]);
  for (const u of users) expect(repliesTo(u.id).filter((c) => c.at >= since && c.payload.text === t.students.hint)).toHaveLength(3);
}

const burstAnswered = (since: number) => () =>
  repliesTo(ADMIN.id).some((c) => c.at >= since) && users.every((u) => repliesTo(u.id).filter((c) => c.at >= since).length >= 3);

describe("long polling while the Bot API is down", () => {
  it("getUpdates answering 500 three times: polling resumes and every update is answered once", async () => {
    const since = Date.now();
    api.failNext("getUpdates", { error_code: 500, description: "Internal Server Error" }, 3);
    const polls = api.callsOf("getUpdates").length;
    startPolling(api.apiRoot);
    const burst = pushBurst();
    await eventually("the burst to be answered", burstAnswered(since));
    await expectBurstAnsweredOnce(since);
    const calls = api.callsOf("getUpdates").slice(polls);
    expect(calls.slice(0, 3).map((c) => c.outcome)).toEqual([500, 500, 500]);
    // The next poll confirms the burst (offset past its last update): Telegram would not resend it.
    const lastId = burst.at(-1)!.update_id;
    await eventually("the confirming poll", () => api.callsOf("getUpdates").some((c) => c.payload.offset === lastId + 1));
  });

  it("getUpdates answering 429 with retry_after: polling waits as told, then resumes", async () => {
    const since = Date.now();
    api.failNext("getUpdates", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } }, 1);
    startPolling(api.apiRoot);
    api.pushUpdates(messageUpdate("hello", STRANGER));
    await eventually("the reply", () => repliesTo(STRANGER.id).some((c) => c.at >= since));
    const [failed, next] = api.callsOf("getUpdates").filter((c) => c.at >= since);
    expect(failed!.outcome).toBe(429);
    expect(next!.at - failed!.at).toBeGreaterThanOrEqual(1_000);
    expect(repliesTo(STRANGER.id).filter((c) => c.at >= since)).toHaveLength(1);
  });

  it("the Bot API unreachable for a second (connections refused and cut): polling reconnects and nothing is lost", async () => {
    const proxy = await TcpProxy.start({ host: "127.0.0.1", port: Number(new URL(api.apiRoot).port) });
    try {
      startPolling(`http://127.0.0.1:${proxy.port}`);
      await eventually("the first poll", () => api.callsOf("getUpdates").length > 0);
      proxy.down();
      // (A poll cut by the proxy is still finished by the fake API, emptying its queue: push after.)
      await eventually("the cut poll answered", pollsAnswered);
      const since = Date.now();
      pushBurst();
      // The runner tries again and is turned away: nothing reaches the API, nothing is answered.
      const refused = proxy.refused;
      await eventually("two refused tries", () => proxy.refused >= refused + 2);
      expect(repliesTo(ADMIN.id).filter((c) => c.at >= since)).toEqual([]);
      proxy.up();
      await eventually("the burst to be answered after the API came back", burstAnswered(since));
      await expectBurstAnsweredOnce(since);
    } finally {
      if (runner?.isRunning()) await runner.stop();
      await proxy.close();
    }
  }, 20_000);

  it("stops cleanly while a poll is in flight", async () => {
    const since = Date.now();
    startPolling(api.apiRoot);
    await eventually("a poll", () => api.callsOf("getUpdates").some((c) => c.at >= since && c.outcome === undefined));
    // Resolving is the point: stop() aborts the poll in flight instead of waiting out its timeout.
    await runner!.stop();
    expect(runner!.isRunning()).toBe(false);
  });
});
