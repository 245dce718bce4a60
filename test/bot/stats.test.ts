import { expect, it } from "vitest";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec } from "../helpers/db";
import { BASE_TIME, addBookings } from "../helpers/fixtures";

const NOW = new Date("2026-11-01T20:00:00Z"); // 23:00 in Moscow: BASE_TIME (12:00) is "today"
const days = (n: number) => new Date(BASE_TIME.getTime() - n * 86_400_000);

const { h } = useBotFixture({
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

it("/stats shows statuses, new bookings, conversion, courses and streams, and delivery", async () => {
  const calls = await h.send("/stats");
  expect(calls[0]!.payload).toMatchObject({ parse_mode: "HTML" });
  expect(calls[0]!.payload.text).toBe(
    [
      "📊 <b>Статистика</b>",
      "",
      "Заявок: 5 — 🟢 2 · 🟡 1 · ⚪ 1 · 🔴 1",
      "Новых сегодня: 3 · за 7 дней: 4",
      "Подтверждено из всех заявок: 40,0% · без отменённых: 50,0%",
      "",
      "<b>По курсам и потокам</b>",
      "Вайб кодинг · 7-й поток — 3: 🟢 2 · 🟡 1 · ⚪ 0 · 🔴 0",
      "Вайб кодинг · 8-й поток — 2: 🟢 0 · 🟡 0 · ⚪ 1 · 🔴 1",
      "",
      "<b>Доставка сообщений студентам</b> (30 дней): 75,0% — отправлено 3, не доставлено 1, в очереди 1",
    ].join("\n"),
  );
});
