import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Update } from "grammy/types";
import { ru as t } from "../../src/bot/i18n";
import { documentUpdate, messageUpdate, photoUpdate } from "../helpers/updates";
import { expectAcceptableCalls, logWatch } from "./answers";
import { useFuzzBot } from "./fuzz-bot";
import { STUDENT } from "./fuzz-data";
import { fuzz } from "./run";
import { anyText, telegramText } from "./texts";

/**
 * Property: whatever a student with no booking waiting for payment sends — text, a photo with
 * any caption, a file of any type and name — gets exactly one acceptable answer, never reaches
 * the error boundary, and changes no row (a proof is only kept with a booking to pay for).
 */

const { h, expectNoRowChanged } = useFuzzBot();

const caption = fc.option(anyText.map((text) => telegramText(text, 1024)), { nil: undefined });
const mimeType = fc.oneof(fc.constantFrom("application/pdf", "image/jpeg", "image/heic", "application/zip", "text/html", "PDF", ""), fc.string({ maxLength: 30 }));
const message: fc.Arbitrary<Update> = fc.oneof(
  anyText.map((text) => telegramText(text)).filter((text) => !text.startsWith("/")).map((text) => messageUpdate(text, STUDENT)),
  fc.tuple(fc.string({ minLength: 1, maxLength: 80 }), caption).map(([fileId, text]) => photoUpdate(STUDENT, fileId, text)),
  fc.tuple(mimeType, anyText.map((name) => telegramText(name, 255))).map(([mime, fileName]) => documentUpdate(STUDENT, { mimeType: mime, fileName })),
);

describe("a student's messages", () => {
  it("get one acceptable answer and change nothing while no booking waits for payment", async () => {
    const watch = logWatch(h);
    const answers = [t.students.hint, t.students.proofNoBooking, t.students.proofWrongFile];
    await fc.assert(
      fc.asyncProperty(message, async (update) => {
        watch.reset();
        const before = h.api.calls.length;
        await h.bot.handleUpdate(update);
        const calls = h.api.calls.slice(before).map(({ method, payload }) => ({ method, payload }));
        expectAcceptableCalls(calls, STUDENT.id);
        expect(calls.map((c) => [c.method, answers.includes(c.payload.text as string)])).toEqual([["sendMessage", true]]);
        watch.expectQuiet();
        await expectNoRowChanged();
      }),
      fuzz(300),
    );
  }, 60_000);
});
