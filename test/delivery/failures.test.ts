import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { blockedUsers, users } from "../../src/db/schema";
import { TEST_TOKEN } from "../helpers/harness";
import { allDone, backlog, outboxRows, queue, useDeliveryFixture } from "./helpers";
import { eventually } from "../helpers/eventually";

const { database, fake, worker: newWorker, reopenFake } = useDeliveryFixture();

async function deliverOne(options: Parameters<typeof newWorker>[0] = {}) {
  await queue(database.db, backlog(1, 1));
  const worker = newWorker(options);
  worker.start();
  const [row] = await eventually("a final state", () => allDone(database.db));
  return { row: row!, calls: fake.callsOf("sendMessage"), worker };
}

describe("delivery failures", () => {
  it("429: waits retry_after, without using up an attempt, then sends once", async () => {
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    const { row, calls } = await deliverOne();
    expect(row).toMatchObject({ status: "sent", attempts: 1, lastError: "429: Too Many Requests: retry after 1" });
    expect(calls.map((c) => c.outcome)).toEqual([429, "ok"]);
    // The log, not a stopwatch: the retry reached Telegram no sooner than retry_after allowed.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(990);
    expect(fake.delivered()).toHaveLength(1);
  });

  it("429 for one chat holds that chat alone: the others go out while it waits", async () => {
    await queue(database.db, backlog(12, 12));
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    newWorker().start();
    const rows = await eventually("all sent", () => allDone(database.db));
    expect(rows.map((r) => r.status)).toEqual(Array(12).fill("sent"));
    const calls = fake.callsOf("sendMessage");
    const limited = calls.find((c) => c.outcome === 429)!;
    const retried = calls.find((c) => c.outcome === "ok" && c.payload.chat_id === limited.payload.chat_id)!;
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(990);
    const others = calls.filter((c) => c.outcome === "ok" && c.payload.chat_id !== limited.payload.chat_id);
    expect(others).toHaveLength(11);
    for (const other of others) expect(other.at).toBeLessThan(retried.at);
  });

  it("5xx: backs off and retries, then sends", async () => {
    fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" }, 2);
    const { row, calls } = await deliverOne();
    expect(calls.map((c) => c.outcome)).toEqual([502, 502, "ok"]);
    expect(row).toMatchObject({ status: "sent", attempts: 3, lastError: "502: Bad Gateway" });
  });

  it("5xx for ever: failed after maxAttempts, the reason kept and logged", async () => {
    fake.failChat(7001, { error_code: 500, description: "Internal Server Error" });
    const { row, calls, worker } = await deliverOne({ maxAttempts: 3 });
    expect(calls).toHaveLength(3);
    expect(row).toMatchObject({ status: "failed", attempts: 3, lastError: "500: Internal Server Error", leaseOwner: null, sentAt: null });
    const warnings = worker.logs.filter((l) => l.level === 40 && l.outbox_id === row.id);
    expect(warnings.map((w) => [w.chat_id, w.error_code, w.msg])).toEqual([
      [7001, 500, "delivery failed; will retry"],
      [7001, 500, "delivery failed; will retry"],
      [7001, 500, "delivery failed"],
    ]);
  });

  /** A student's chat that Telegram refuses with `error`: one call, the message failed at once. */
  async function refusedOnce(error: { error_code: number; description: string }) {
    await database.db.insert(users).values({ userId: 7001, firstName: "Студент" });
    fake.failChat(7001, error);
    const { row, calls } = await deliverOne();
    expect(calls).toHaveLength(1);
    expect(row).toMatchObject({ status: "failed", attempts: 1, lastError: `${error.error_code}: ${error.description}` });
  }

  it("403: failed at once and the student recorded in blocked_users", async () => {
    await refusedOnce({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
    const [blocked] = await database.db.select().from(blockedUsers).where(eq(blockedUsers.userId, 7001));
    expect(blocked!.blockedAt).toBeInstanceOf(Date);
    expect(blocked!.reason).toBe("403: Forbidden: bot was blocked by the user");
  });

  it("400: failed at once, the student not marked", async () => {
    await refusedOnce({ error_code: 400, description: "Bad Request: chat not found" });
    expect(await database.db.select().from(blockedUsers).where(eq(blockedUsers.userId, 7001))).toEqual([]);
  });

  it("no answer: the request is abandoned after the time-out and retried", async () => {
    fake.delayNext("sendMessage", Number.POSITIVE_INFINITY);
    const { row, calls } = await deliverOne({ sendTimeoutMs: 300, leaseMs: 3_000 });
    expect(calls.map((c) => c.outcome)).toEqual([undefined, "ok"]);
    expect(row).toMatchObject({ status: "sent", attempts: 2, lastError: "network: no answer within 300 ms" });
  });

  it("a refused connection is a network error, retried", async () => {
    await fake.close();
    await queue(database.db, backlog(1, 1));
    expect(await newWorker({ maxAttempts: 2 }).tick()).toBe(1);
    const [row] = await outboxRows(database.db);
    expect(row).toMatchObject({ status: "queued", attempts: 1 });
    expect(row!.lastError).toMatch(/^network: Network request for 'sendMessage' failed!/);
    await reopenFake();
  });

  it("never writes the bot token to the log or the database", async () => {
    fake.failNext("sendMessage", { error_code: 500, description: "Internal Server Error" });
    fake.failChat(7002, { error_code: 403, description: "Forbidden: user is deactivated" });
    await queue(database.db, backlog(2, 2));
    const worker = newWorker();
    worker.start();
    const rows = await eventually("final states", () => allDone(database.db));
    expect(JSON.stringify(worker.logs)).not.toContain(TEST_TOKEN.split(":")[1]);
    expect(JSON.stringify(rows)).not.toContain(TEST_TOKEN.split(":")[1]);
  });
});
