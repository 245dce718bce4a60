import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Update } from "grammy/types";
import { ru as t } from "../../src/bot/i18n";
import { documentUpdate, messageUpdate, photoUpdate } from "../helpers/updates";
import { expectAcceptableCalls, forEachCase } from "./answers";
import { useFuzzBot } from "./fuzz-bot";
import { STUDENT } from "./fuzz-data";
import { rawQuery } from "../helpers/db";
import { anyText, telegramText } from "./texts";

/**
 * Property: whatever a student with no booking waiting for payment sends — text, a photo with
 * any caption, a file of any type and name — never reaches the error boundary, gets at most one
 * answer (the first message of a while is passed to the admins and the student told so; the
 * next ones only count), is kept in their thread, and changes no booking and keeps no proof (a
 * proof is only kept with a booking to pay for).
 */

const { h, database } = useFuzzBot();

const caption = fc.option(anyText.map((text) => telegramText(text, 1024)), { nil: undefined });
const mimeType = fc.oneof(fc.constantFrom("application/pdf", "image/jpeg", "image/heic", "application/zip", "text/html", "PDF", ""), fc.string({ maxLength: 30 }));
const message: fc.Arbitrary<Update> = fc.oneof(
  anyText.map((text) => telegramText(text)).filter((text) => !text.startsWith("/")).map((text) => messageUpdate(text, STUDENT)),
  fc.tuple(fc.string({ minLength: 1, maxLength: 80 }), caption).map(([fileId, text]) => photoUpdate(STUDENT, fileId, text)),
  fc.tuple(mimeType, anyText.map((name) => telegramText(name, 255))).map(([mime, fileName]) => documentUpdate(STUDENT, { mimeType: mime, fileName })),
);

const state = async () =>
  (
    await rawQuery(
      database,
      `SELECT (SELECT string_agg(id || ':' || confirmed, ',' ORDER BY id) FROM bookings) AS bookings, (SELECT count(*)::int FROM payment_proofs) AS proofs,
              (SELECT count(*)::int FROM student_messages WHERE user_id = $1) AS thread`,
      [STUDENT.id],
    )
  )[0]!;

describe("a student's messages", () => {
  it("reach the admins, are kept in the thread, get at most one answer and change no booking", async () => {
    const answers = [t.people.ack, t.people.ackPay];
    await forEachCase(h, message, 300, async (update, watch) => {
      const before = await state();
      const calls = await h.deliver(update);
      expectAcceptableCalls(calls, STUDENT.id);
      const toStudent = calls.filter((c) => c.payload.chat_id === STUDENT.id);
      expect(toStudent.length).toBeLessThanOrEqual(1);
      for (const c of toStudent) expect(answers).toContain(c.payload.text);
      watch.expectQuiet();
      const after = await state();
      expect({ bookings: after.bookings, proofs: after.proofs }).toEqual({ bookings: before.bookings, proofs: before.proofs });
      expect(after.thread).toBe(Number(before.thread) + 1);
    });
  }, 60_000);
});
