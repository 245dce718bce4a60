import { afterAll, beforeAll, expect, it } from "vitest";
import { queueDueReminders } from "../../src/bookings/reminders";
import { createTestDatabase, rawExec, rawQuery, type TestDatabase } from "../helpers/db";
import { addBookings, addCourse } from "../helpers/fixtures";

let database: TestDatabase;
const NOW = new Date("2026-11-30T10:00:00Z");

beforeAll(async () => {
  database = await createTestDatabase();
  await addCourse(database.db);
  // 7th starts in 20 h (inside a 24 h window), 8th in 3 days, mentoring started an hour ago.
  await rawExec(
    database,
    `UPDATE streams SET starts_at = '2026-12-01 06:00:00.123456+00' WHERE code = '7th_stream';
     UPDATE streams SET starts_at = '2026-12-03 10:00:00+00' WHERE code = '8th_stream';
     UPDATE streams SET starts_at = '2026-11-30 09:00:00+00' WHERE code = 'mentoring';`,
  );
  await addBookings(database.db, [
    { userId: 1, firstName: "Оля", confirmed: 2, courseStream: "7th_stream" },
    { userId: 2, firstName: "Петя", confirmed: 2, courseStream: "7th_stream" },
    { userId: 3, confirmed: 1, courseStream: "7th_stream" },
    { userId: 4, confirmed: -1, courseStream: "7th_stream" },
    { userId: 5, confirmed: 2, courseStream: "8th_stream" },
    { userId: 6, confirmed: 2, courseStream: "mentoring" },
  ]);
});
afterAll(() => database?.dispose());

const reminders = () =>
  rawQuery(database, "SELECT chat_id::int AS chat_id, text FROM outbox WHERE kind = 'reminder' ORDER BY chat_id");

it("queues one reminder per confirmed booking of a stream starting within the window, once", async () => {
  const options = { hours: 24, now: NOW, timeZone: "Europe/Moscow" };
  expect(await queueDueReminders(database.db, options)).toBe(2);
  expect(await queueDueReminders(database.db, options)).toBe(0);
  expect(await queueDueReminders(database.db, { ...options, now: new Date(NOW.getTime() + 3_600_000) })).toBe(0);
  expect(await reminders()).toEqual([
    { chat_id: 1, text: "Оля, напоминаем: курс «Вайб кодинг» (7-й поток) стартует 01.12.2026 09:00. До встречи!" },
    { chat_id: 2, text: "Петя, напоминаем: курс «Вайб кодинг» (7-й поток) стартует 01.12.2026 09:00. До встречи!" },
  ]);
});

it("reminds again when the stream moves to a new date, and uses the edited template", async () => {
  await rawExec(
    database,
    `UPDATE streams SET starts_at = '2026-12-01 08:00:00+00' WHERE code = '7th_stream';
     INSERT INTO message_templates (kind, body) VALUES ('reminder', 'Новая дата: {start_date}')`,
  );
  expect(await queueDueReminders(database.db, { hours: 24, now: NOW, timeZone: "UTC" })).toBe(2);
  expect((await reminders()).map((r) => r.text)).toContain("Новая дата: 01.12.2026 08:00");
});
