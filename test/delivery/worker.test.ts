import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { messageHistory, messageRecipients, outbox, users } from "../../src/db/schema";
import { enqueue } from "../../src/db/queries/outbox";
import type { DeliveryOutcome } from "../../src/delivery/worker";
import { createTestDatabase, rawExec, type TestDatabase } from "../helpers/db";
import { FakeTelegram } from "../helpers/fake-telegram";
import { allDone, backlog, deliveryCounts, outboxRows, queue, testWorker } from "./helpers";
import { eventually } from "../helpers/eventually";

let database: TestDatabase;
let fake: FakeTelegram;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());
beforeEach(async () => {
  fake = await FakeTelegram.start();
  await rawExec(database, "TRUNCATE outbox, message_recipients, message_history, users RESTART IDENTITY");
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await fake.close();
});

function started(...args: Parameters<typeof testWorker>) {
  const worker = testWorker(...args);
  worker.start();
  stops.push(() => worker.stop());
  return worker;
}

describe("delivery worker", () => {
  it("sends every queued message exactly once, records its Telegram id, and keeps each chat's order", async () => {
    await queue(database.db, backlog(60, 6));
    started(database.db, fake);
    const rows = await eventually("all sent", () => allDone(database.db));

    expect(rows.map((r) => r.status)).toEqual(rows.map(() => "sent"));
    const counts = deliveryCounts(fake);
    expect(counts.size).toBe(60);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    for (const row of rows) {
      const message = fake.message(row.chatId, row.telegramMessageId!);
      expect(message?.text).toBe(row.text);
      expect(row.leaseOwner).toBeNull();
      expect(row.sentAt).toBeInstanceOf(Date);
      expect(row.attempts).toBe(1);
    }
    for (let chat = 7001; chat <= 7006; chat++) {
      const texts = fake.delivered().filter((d) => d.chatId === chat).map((d) => Number(d.text.split("-")[1]));
      expect(texts).toEqual([...texts].sort((a, b) => a - b));
      expect(texts).toHaveLength(10);
    }
  });

  it("sends parse mode and keyboard as queued", async () => {
    const keyboard = { inline_keyboard: [[{ text: "Открыть", callback_data: "b:1" }]] };
    await database.db.transaction((tx) =>
      enqueue(tx, [{ dedupeKey: "html", kind: "confirmation", chatId: 7001, text: "<b>Готово</b>", parseMode: "HTML", replyMarkup: keyboard }]),
    );
    const worker = testWorker(database.db, fake);
    expect(await worker.tick()).toBe(1);
    const [call] = fake.callsOf("sendMessage");
    expect(call?.payload).toMatchObject({ chat_id: 7001, text: "<b>Готово</b>", parse_mode: "HTML", reply_markup: keyboard });
  });

  it("claims at most one message per chat per round, oldest first", async () => {
    await queue(database.db, [...backlog(3, 1, "a"), ...backlog(1, 1, "b").map((m) => ({ ...m, chatId: 8001 }))]);
    const worker = testWorker(database.db, fake);
    expect(await worker.tick()).toBe(2);
    expect(fake.delivered().map((d) => d.text).sort()).toEqual(["a-0", "b-0"]);
    expect(await worker.tick()).toBe(1);
    expect(await worker.tick()).toBe(1);
    expect(await worker.tick()).toBe(0);
    expect(fake.delivered().filter((d) => d.chatId === 7001).map((d) => d.text)).toEqual(["a-0", "a-1", "a-2"]);
  });

  it("waits the per-chat interval after a send before the chat's next message", async () => {
    await queue(database.db, backlog(2, 1));
    const worker = testWorker(database.db, fake, { perChatIntervalMs: 60_000 });
    expect(await worker.tick()).toBe(1);
    expect(await worker.tick()).toBe(0);
  });

  it("claims a chat's next message once its interval ends within a second, and a new process waits out the rest", async () => {
    await queue(database.db, backlog(3, 1));
    const interval = 300;
    expect(await testWorker(database.db, fake, { perChatIntervalMs: interval }).tick()).toBe(1);
    // A second worker knows nothing of the first send but what the database says.
    expect(await testWorker(database.db, fake, { perChatIntervalMs: interval }).tick()).toBe(1);
    const same = testWorker(database.db, fake, { perChatIntervalMs: interval });
    expect(await same.tick()).toBe(1);
    const times = fake.delivered().map((d) => d.at);
    expect(times).toHaveLength(3);
    // Counted from sent_at, recorded after Telegram answered, so at least the interval between arrivals.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(interval);
  });

  it("claims the chat with the most due messages first, then the oldest", async () => {
    await queue(database.db, [...backlog(3, 3, "b"), ...backlog(3, 1, "x").map((m) => ({ ...m, chatId: 9001 }))]);
    const worker = testWorker(database.db, fake, { maxInFlight: 1 });
    while ((await worker.tick()) > 0);
    // x has three, so it goes first while it has more than one; its last waits its turn.
    expect(fake.delivered().map((d) => d.text)).toEqual(["x-0", "x-1", "b-0", "b-1", "b-2", "x-2"]);
  });

  it("leaves scheduled messages until due, without holding back the chat's others", async () => {
    await queue(database.db, [{ ...backlog(1, 1, "later")[0]!, notBefore: new Date(Date.now() + 3_600_000) }, ...backlog(1, 1, "now")]);
    const worker = testWorker(database.db, fake);
    expect(await worker.tick()).toBe(1);
    expect(await worker.tick()).toBe(0);
    expect(fake.delivered().map((d) => d.text)).toEqual(["now-0"]);
  });

  it("takes over a message whose lease expired (its process died) but not one another process holds", async () => {
    await queue(database.db, [...backlog(2, 1, "dead"), ...backlog(2, 1, "alive").map((m) => ({ ...m, chatId: 8001 }))]);
    await database.db
      .update(outbox)
      .set({ leaseOwner: "dead-process", leaseUntil: sql`now() - interval '1 second'`, attempts: 1 })
      .where(eq(outbox.dedupeKey, "dead-0"));
    await database.db
      .update(outbox)
      .set({ leaseOwner: "live-process", leaseUntil: sql`now() + interval '1 minute'`, attempts: 1 })
      .where(eq(outbox.dedupeKey, "alive-0"));
    const worker = testWorker(database.db, fake);
    expect(await worker.tick()).toBe(1);
    expect(await worker.tick()).toBe(1);
    expect(await worker.tick()).toBe(0);
    // The live lease holds its chat: neither it nor the chat's next message was touched.
    expect(fake.delivered().map((d) => d.text)).toEqual(["dead-0", "dead-1"]);
    const rows = await outboxRows(database.db);
    expect(rows.find((r) => r.dedupeKey === "dead-0")).toMatchObject({ status: "sent", attempts: 2 });
    expect(rows.find((r) => r.dedupeKey === "alive-1")).toMatchObject({ status: "queued", attempts: 0 });
  });

  const chats = [7001, 7002, 7003, 7004, 7005, 7006, 7007, 7008];
  it.each([
    { case: "some blocked", blocked: [7002, 7005] },
    { case: "all blocked", blocked: chats },
  ])("records broadcast recipients and deliveries in one transaction with onOutcome ($case)", async ({ blocked }) => {
    const [history] = await database.db.insert(messageHistory).values({ messageText: "Новости", totalRecipients: 8, successfulDeliveries: 0 }).returning();
    const recipients = await database.db
      .insert(messageRecipients)
      .values(chats.map((userId) => ({ messageId: history!.id, userId, deliveryStatus: "pending" as const })))
      .returning();
    await database.db.insert(users).values(blocked.map((userId) => ({ userId, firstName: "Blocked" })));
    await queue(
      database.db,
      recipients.map((r) => ({ dedupeKey: `bc-${r.id}`, kind: "broadcast" as const, chatId: r.userId!, text: "Новости", recipientId: r.id })),
    );
    for (const chat of blocked) fake.failChat(chat, { error_code: 403, description: "Forbidden: bot was blocked by the user" });
    const seen: Array<{ chatId: number; outcome: DeliveryOutcome }> = [];
    const worker = testWorker(database.db, fake, {}, {
      onOutcome: async (tx, row, outcome) => {
        seen.push({ chatId: row.chatId, outcome });
        if (row.recipientId === null) return;
        // The lead's use: queue the report once the last recipient is done, in the same
        // transaction. All 8 are recorded concurrently: exactly one must find none left.
        const [left] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(outbox)
          .where(sql`${outbox.recipientId} IS NOT NULL AND ${outbox.status} = 'queued'`);
        if (left?.n === 0) await enqueue(tx, [{ dedupeKey: `report-${row.chatId}`, kind: "broadcast_report", chatId: 1001, text: "report" }]);
      },
    });
    while ((await worker.tick()) > 0);

    const after = await database.db.select().from(messageRecipients).orderBy(messageRecipients.id);
    expect(after.map((r) => r.deliveryStatus)).toEqual(chats.map((c) => (blocked.includes(c) ? "failed" : "sent")));
    for (const r of after) {
      if (r.deliveryStatus === "sent") expect(r.telegramMessageId).toBeGreaterThan(0);
      else expect(r.error).toBe("403: Forbidden: bot was blocked by the user");
    }
    const [h] = await database.db.select().from(messageHistory);
    expect(h!.successfulDeliveries).toBe(chats.length - blocked.length);
    expect(seen.filter((s) => s.chatId !== 1001).map((s) => [s.chatId, s.outcome.status]).sort()).toEqual(
      chats.map((c) => [c, blocked.includes(c) ? "failed" : "sent"]),
    );
    expect(fake.delivered().filter((d) => d.text === "report")).toHaveLength(1);
  });

  it("still records the delivery when onOutcome throws, undoing only onOutcome's writes", async () => {
    await queue(database.db, backlog(1, 1));
    const worker = testWorker(database.db, fake, {}, {
      onOutcome: async (tx) => {
        await enqueue(tx, [{ dedupeKey: "never", kind: "admin_notice", chatId: 1, text: "never" }]);
        throw new Error("report failed");
      },
    });
    expect(await worker.tick()).toBe(1);
    const rows = await outboxRows(database.db);
    expect(rows.map((r) => [r.dedupeKey, r.status])).toEqual([["m-0", "sent"]]);
    expect(worker.logs.some((l) => l.level === 50 && l.outbox_id === rows[0]!.id)).toBe(true);
  });
});
