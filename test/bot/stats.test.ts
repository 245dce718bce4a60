import { expect, it } from "vitest";
import { loadDailyBookings } from "../../src/db/queries/stats";
import { useBotFixture } from "../helpers/bot-fixture";
import { createTestDatabase, rawExec } from "../helpers/db";
import { BASE_TIME, addBookings } from "../helpers/fixtures";
import { createHarness } from "../helpers/harness";

const NOW = new Date("2026-11-01T20:00:00Z"); // 23:00 in Moscow: BASE_TIME (12:00) is "today"
const days = (n: number) => new Date(BASE_TIME.getTime() - n * 86_400_000);

const { database, h } = useBotFixture({
  clock: () => NOW,
  seed: async (database) => {
    await addBookings(database.db, [
      { confirmed: 2, courseStream: "7th_stream" },
      { confirmed: 2, courseStream: "7th_stream" },
      { confirmed: 1, courseStream: "7th_stream" },
      { confirmed: -1, courseStream: "8th_stream", createdAt: days(3) },
      { confirmed: 0, courseStream: "8th_stream", createdAt: days(10) },
    ]);
    await rawExec(
      database,
      `INSERT INTO outbox (dedupe_key, kind, chat_id, text, status, created_at) VALUES
         ('a', 'confirmation', 1, 't', 'sent', '2026-10-30 10:00+00'),
         ('b', 'confirmation', 2, 't', 'sent', '2026-10-30 10:00+00'),
         ('c', 'broadcast', 3, 't', 'sent', '2026-10-30 10:00+00'),
         ('d', 'cancellation', 4, 't', 'failed', '2026-10-31 10:00+00'),
         ('e', 'reminder', 5, 't', 'queued', '2026-11-01 10:00+00'),
         ('f', 'admin_notice', 6, 't', 'failed', '2026-11-01 10:00+00'),
         ('g', 'confirmation', 7, 't', 'failed', '2026-09-01 10:00+00')`,
    );
  },
});

it("/stats sends the 30-day chart with the summary as its caption, then courses and streams", async () => {
  const calls = await h.send("/stats");
  expect(calls.map((c) => c.method)).toEqual(["sendPhoto", "sendMessage"]);
  const photo = calls[0]!.payload;
  expect(photo).toMatchObject({ parse_mode: "HTML" });
  expect(photo.caption).toBe(
    [
      "📊 <b>Статистика</b>",
      "",
      "Заявок: 5 — 🟢 2 · 🟡 1 · ⚪ 1 · 🔴 1",
      "Новых сегодня: 3 · за 7 дней: 4",
      "Подтверждено из всех заявок: 40,0% · без отменённых: 50,0%",
      "<b>Доставка сообщений студентам</b> (30 дней): 75,0% — отправлено 3, не доставлено 1, в очереди 1",
      "",
      "На графике — новые заявки по дням за 30 дней: 🟢 подтверждённые · 🟡 в ожидании · ⚪ новые · 🔴 отменённые",
    ].join("\n"),
  );
  // A real PNG, uploaded as a file.
  const upload = photo.photo as unknown as { filename: string; bytes: Buffer };
  expect(upload.filename).toBe("bookings-per-day.png");
  expect(upload.bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
  expect(calls[1]!.payload.text).toBe(
    [
      "<b>По курсам и потокам</b>",
      "Вайб кодинг · 7-й поток — 3: 🟢 2 · 🟡 1 · ⚪ 0 · 🔴 0",
      "Вайб кодинг · 8-й поток — 2: 🟢 0 · 🟡 0 · ⚪ 1 · 🔴 1",
    ].join("\n"),
  );
});

it("the per-day figures come from one aggregation, in the display time zone, the empty days included", async () => {
  const days = await loadDailyBookings(database.db, { timeZone: "Europe/Moscow", now: NOW, days: 30 });
  expect(days).toHaveLength(30);
  expect(days.at(-1)).toEqual({ day: "2026-11-01", counts: { all: 3, 0: 0, 1: 1, 2: 2, [-1]: 0 } });
  expect(days.find((d) => d.day === "2026-10-29")!.counts).toEqual({ all: 1, 0: 0, 1: 0, 2: 0, [-1]: 1 });
  expect(days.find((d) => d.day === "2026-10-22")!.counts).toEqual({ all: 1, 0: 1, 1: 0, 2: 0, [-1]: 0 });
  expect(days.reduce((n, d) => n + d.counts.all, 0)).toBe(5);
});

it("says plainly when no message went to students in 30 days (not '— —')", async () => {
  const empty = await createTestDatabase();
  const quiet = await createHarness(empty.db, {}, { clock: () => NOW });
  try {
    const [photo] = await quiet.send("/stats");
    expect(photo!.payload.caption).toContain("<b>Доставка сообщений студентам</b> (30 дней): сообщений не было");
    expect(photo!.payload.caption).not.toContain("— —");
  } finally {
    await quiet.close();
    await empty.dispose();
  }
});
