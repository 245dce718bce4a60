import { expect, it } from "vitest";
import { useBotFixture } from "../helpers/bot-fixture";
import { addBookings } from "../helpers/fixtures";

const { h } = useBotFixture({
  clock: () => new Date("2026-11-29T12:00:00Z"),
  seed: async ({ db }) => {
    await addBookings(db, [
      { userId: 11, username: "anna", firstName: "Анна; \"Смирнова\"", confirmed: 2, referralCode: "FRIEND10", discountPercent: 10 },
      { userId: 12, username: null, firstName: "=HYPERLINK(\"x\")", confirmed: 0, courseStream: "mentoring" },
    ]);
    // Enough rows to need several keyset batches.
    await addBookings(db, Array.from({ length: 4_500 }, (_, i) => ({ userId: 100_000 + i, confirmed: 1 as const })));
  },
});

const documentText = (call: { payload: Record<string, unknown> }) =>
  (call.payload.document as { bytes: Buffer }).bytes.toString("utf8");

it("/export confirmed sends a CSV with a BOM, semicolons, quoting and defused formulas", async () => {
  const calls = await h.send("/export confirmed");
  const doc = calls.find((c) => c.method === "sendDocument")!;
  expect(doc.payload.caption).toBe("Заявки · Подтверждённые · 1 шт.");
  expect((doc.payload.document as { filename: string }).filename).toBe("bookings-confirmed-2026-11-29.csv");
  expect(documentText(doc)).toBe(
    "\uFEFFid;user_id;username;first_name;course_id;course;course_stream;stream;confirmed;status;created_at;created_local;referral_code;discount_percent\r\n" +
      '1;11;anna;"Анна; ""Смирнова""";1;Вайб кодинг;3rd_stream;3-й поток;2;Подтверждено;2026-11-01T09:00:00.000Z;01.11.2026 12:00;FRIEND10;10\r\n',
  );
});

it("/export streams every booking once, newest first", async () => {
  const calls = await h.send("/export");
  const doc = calls.find((c) => c.method === "sendDocument")!;
  expect(doc.payload.caption).toBe("Заявки · Все · 4\u00a0502 шт.");
  const lines = documentText(doc).trimEnd().split("\r\n");
  expect(lines).toHaveLength(4_503);
  const ids = lines.slice(1).map((l) => Number(l.split(";")[0]));
  expect(new Set(ids).size).toBe(4_502);
  expect(ids[0]).toBe(4_502);
  expect(lines.find((l) => l.startsWith("2;"))).toBe(
    '2;12;;"\'=HYPERLINK(""x"")";1;Вайб кодинг;mentoring;Менторинг;0;Новая заявка;2026-11-01T09:01:00.000Z;01.11.2026 12:01;;0',
  );
});

it("an unknown filter is refused", async () => {
  expect((await h.send("/export everything"))[0]!.payload.text).toBe(
    "Неизвестный фильтр. Можно: /export, /export new, /export pending, /export confirmed, /export cancelled",
  );
});
