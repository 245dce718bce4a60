import { describe, expect, it } from "vitest";
import { rawQuery } from "../helpers/db";
import { allDone, queue, useDeliveryFixture } from "./helpers";
import { eventually } from "../helpers/eventually";

/**
 * Outbox rows with a photo or document (payment proofs re-sent to admins): sent with sendPhoto /
 * sendDocument by file id, the text as caption, and the same handling of 429, 5xx and 403 as text.
 */
const { database, fake, worker: newWorker } = useDeliveryFixture();

const KEYBOARD = { inline_keyboard: [[{ text: "🟢 Подтвердить", callback_data: "c:a:c:1:1" }]] };

async function deliver(rows: Parameters<typeof queue>[1], options: Parameters<typeof newWorker>[0] = {}) {
  await queue(database.db, rows);
  newWorker(options).start();
  return eventually("a final state", () => allDone(database.db));
}

describe("photos and documents from the outbox", () => {
  it("sends each by file id with its caption, parse mode and keyboard, and records Telegram's message id", async () => {
    const rows = await deliver([
      { dedupeKey: "p", kind: "admin_notice", chatId: 7001, text: "📎 <b>Чек</b>", parseMode: "HTML", replyMarkup: KEYBOARD, mediaKind: "photo", mediaFileId: "AgAC-photo" },
      { dedupeKey: "d", kind: "admin_notice", chatId: 7002, text: "📎 PDF", mediaKind: "document", mediaFileId: "BQAC-doc" },
      { dedupeKey: "t", kind: "admin_notice", chatId: 7003, text: "просто текст" },
    ]);
    expect(fake.calls.map((c) => [c.method, c.payload])).toEqual([
      ["sendPhoto", { chat_id: 7001, photo: "AgAC-photo", caption: "📎 <b>Чек</b>", parse_mode: "HTML", reply_markup: KEYBOARD }],
      ["sendDocument", { chat_id: 7002, document: "BQAC-doc", caption: "📎 PDF" }],
      ["sendMessage", { chat_id: 7003, text: "просто текст" }],
    ]);
    expect(rows.map((r) => [r.status, r.telegramMessageId])).toEqual([
      ["sent", fake.message(7001, rows[0]!.telegramMessageId!)!.message_id],
      ["sent", fake.message(7002, rows[1]!.telegramMessageId!)!.message_id],
      ["sent", fake.message(7003, rows[2]!.telegramMessageId!)!.message_id],
    ]);
    expect(fake.message(7001, rows[0]!.telegramMessageId!)!.photo!.at(-1)!.file_id).toBe("AgAC-photo");
  });

  it("429 on a photo waits retry_after and sends it once; 5xx on a document backs off and retries", async () => {
    fake.failNext("sendPhoto", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    fake.failNext("sendDocument", { error_code: 502, description: "Bad Gateway" });
    const rows = await deliver([
      { dedupeKey: "p", kind: "admin_notice", chatId: 7001, text: "x", mediaKind: "photo", mediaFileId: "AgAC" },
      { dedupeKey: "d", kind: "admin_notice", chatId: 7002, text: "y", mediaKind: "document", mediaFileId: "BQAC" },
    ]);
    expect(fake.callsOf("sendPhoto").map((c) => c.outcome)).toEqual([429, "ok"]);
    expect(fake.callsOf("sendDocument").map((c) => c.outcome)).toEqual([502, "ok"]);
    expect(rows.map((r) => [r.status, r.attempts, r.lastError])).toEqual([
      ["sent", 1, "429: Too Many Requests: retry after 1"],
      ["sent", 2, "502: Bad Gateway"],
    ]);
  });

  it("403 fails at once; a student is recorded in blocked_users, a group never", async () => {
    fake.failChat(7001, { error_code: 403, description: "Forbidden: bot was blocked by the user" });
    fake.failChat(-100123, { error_code: 403, description: "Forbidden: bot was kicked from the supergroup chat" });
    const rows = await deliver([
      { dedupeKey: "p", kind: "admin_notice", chatId: 7001, text: "x", mediaKind: "photo", mediaFileId: "AgAC" },
      { dedupeKey: "g", kind: "admin_notice", chatId: -100123, text: "y", mediaKind: "document", mediaFileId: "BQAC" },
    ]);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["failed", 1],
      ["failed", 1],
    ]);
    expect(await rawQuery(database, "SELECT user_id::float8 AS id FROM blocked_users")).toEqual([{ id: 7001 }]);
  });

  it("a caption over Telegram's 1,024 characters is refused (400) and fails for good", async () => {
    const rows = await deliver([{ dedupeKey: "long", kind: "admin_notice", chatId: 7001, text: "я".repeat(1025), mediaKind: "photo", mediaFileId: "AgAC" }]);
    expect(rows[0]).toMatchObject({ status: "failed", attempts: 1 });
    expect(rows[0]!.lastError).toMatch(/^400: Bad Request: sendPhoto: caption over 1024 characters/);
    // The fake API noted what the real one would have refused; the bot's own rows never do that.
    expect(fake.violations.splice(0)).toEqual(["sendPhoto: caption over 1024 characters (1025)"]);
  });
});
