import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { queueTextBroadcast } from "../helpers/broadcasts";
import { checkHealth } from "../../src/db/health";
import { migrationsFolder, runMigrations } from "../../src/db/migrate";
import { countBookingsByStatus } from "../../src/db/queries/bookings";
import { createTestDatabase, rawExec, rawQuery, type TestDatabase } from "../helpers/db";
import { buttonRows, createHarness, type Harness } from "../helpers/harness";
import { REAL_BOT_SETUP, REAL_SCHEMA, realSystem } from "../helpers/real-system";
import { ADMIN } from "../helpers/updates";
import { FAST, allDone, testWorker } from "../delivery/helpers";
import { finishBroadcastOnLastRecipient } from "../../src/delivery/broadcasts";
import { broadcastWords } from "../../src/bot/broadcast-words";
import { eventually } from "../helpers/eventually";

/**
 * Our bot beside the real Python bot and dashboard on one database: the real schema exactly, our
 * migrations applied, then every write the real system makes replayed (each must succeed), and
 * what it wrote read back through our bot. The database server's zone and this process's are 25
 * hours apart, so a time read in the wrong zone shows.
 */
const SERVER_ZONE = "Pacific/Pago_Pago"; // UTC−11
const PROCESS_ZONE = "Pacific/Kiritimati"; // UTC+14

const ANNA = { id: 5_101, username: "anna_s", firstName: "Анна" };
const BORIS = { id: 5_102, username: "boris", firstName: "Борис" };
const TEST_USER = { id: 5_103, username: "test_user", firstName: "Тест" };
const REAL_ADMIN = { id: 9_001, username: "real_admin", firstName: "Сергей" };
const IRA: User = { id: 5_104, is_bot: false, first_name: "Ира", username: "ira" };

/** A database the real system built, in a server zone far from ours; migrations not applied. */
async function realDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ migrate: false });
  // Before the pool opens a connection, so every session of the test has the server's zone.
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`ALTER DATABASE ${(await admin.query("SELECT current_database() AS d")).rows[0].d} SET timezone = '${SERVER_ZONE}'`);
  await admin.end();
  await rawExec(database, REAL_SCHEMA);
  await rawExec(
    database,
    `INSERT INTO courses (name, price_usd_cents, button_text, start_date_text) VALUES ('Вайб кодинг', 30000, 'Записаться', '1 декабря');`,
  );
  return database;
}

const realCounts = async (database: TestDatabase) => {
  const rows = await rawQuery(database, "SELECT confirmed, count(*)::int AS n FROM bookings GROUP BY confirmed");
  const counts: Record<string, number> = { all: 0, 0: 0, 1: 0, 2: 0, [-1]: 0 };
  for (const r of rows) {
    counts[String(r.confirmed)] = Number(r.n);
    counts.all! += Number(r.n);
  }
  return counts;
};

describe("the real system's database, shared", () => {
  let database: TestDatabase;
  let real: ReturnType<typeof realSystem>;
  let h: Harness;
  const savedTz = process.env.TZ;
  const ids = { anna: 0, boris: 0, test: 0 };

  beforeAll(async () => {
    process.env.TZ = PROCESS_ZONE;
    database = await realDatabase();
    real = realSystem(database.pool);
    // Life before our bot: students, bookings, a coupon used, an approval by the real bot.
    for (const u of [ANNA, BORIS, TEST_USER, REAL_ADMIN]) await real.upsertUser(u);
    await rawExec(database, `UPDATE users SET first_seen_at = '2026-03-01 12:00:00' WHERE user_id = ${ANNA.id}`);
    await real.createCoupon("SPRING20", 20, 20, REAL_ADMIN.id);
    ids.anna = await real.createBooking({ userId: ANNA.id, username: ANNA.username, firstName: ANNA.firstName, courseId: 1, code: "SPRING20", discount: 20, stream: "4th_stream" });
    await real.applyCoupon(1, ANNA.id, ids.anna);
    await real.paymentProof(ANNA.id);
    await real.approve(ids.anna, ANNA.id, REAL_ADMIN.id);
    ids.boris = await real.createBooking({ userId: BORIS.id, username: BORIS.username, firstName: BORIS.firstName, courseId: 1, stream: "4th_stream" });
    await real.studentCancels(ids.boris, BORIS.id);

    await runMigrations(database);
    await rawExec(database, REAL_BOT_SETUP); // the real bot restarts after us
    h = await createHarness(database.db, { ADMIN_IDS: `${ADMIN.id},${REAL_ADMIN.id}` });
  });
  afterAll(async () => {
    process.env.TZ = savedTz;
    if (savedTz === undefined) delete process.env.TZ;
    await h?.close();
    await database?.dispose();
  });

  it("leaves no rule of ours on the real tables that one of their writes could break", async () => {
    const rules = await rawQuery(
      database,
      `SELECT c.conrelid::regclass::text AS tbl, c.conname FROM pg_constraint c
       WHERE c.conrelid::regclass::text IN ('bookings', 'users', 'courses', 'events', 'referral_coupons', 'referral_usage', 'free_lesson_registrations', 'message_history', 'message_recipients', 'blocked_users')
         AND c.contype IN ('c', 'f', 'u', 'x') ORDER BY 1, 2`,
    );
    // Exactly the real schema's own constraints.
    expect(rules).toEqual([
      { tbl: "bookings", conname: "bookings_course_id_fkey" },
      { tbl: "free_lesson_registrations", conname: "free_lesson_registrations_user_id_lesson_type_key" },
      { tbl: "message_recipients", conname: "message_recipients_message_id_fkey" },
      { tbl: "referral_coupons", conname: "referral_coupons_code_key" },
      { tbl: "referral_usage", conname: "referral_usage_booking_id_fkey" },
      { tbl: "referral_usage", conname: "referral_usage_coupon_id_fkey" },
      { tbl: "referral_usage", conname: "referral_usage_coupon_id_user_id_key" },
    ]);
    const unique = await rawQuery(
      database,
      `SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indisunique AND NOT indisprimary
         AND indrelid::regclass::text IN ('bookings', 'users', 'courses', 'events', 'message_history', 'message_recipients', 'blocked_users')`,
    );
    expect(unique).toEqual([]);
    // The registrations' indexes are the real system's alone (/workshops reads without one of ours).
    const lessons = await rawQuery(database, "SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = 'free_lesson_registrations'::regclass ORDER BY 1");
    expect(lessons.map((r) => r.name)).toEqual(["free_lesson_registrations_pkey", "free_lesson_registrations_user_id_lesson_type_key", "free_lesson_registrations_user_lesson_date"]);
    // Ours that point at bookings keep the id without a foreign key.
    const pointing = await rawQuery(database, "SELECT conname FROM pg_constraint WHERE confrelid = 'bookings'::regclass ORDER BY 1");
    expect(pointing).toEqual([{ conname: "referral_usage_booking_id_fkey" }]);
  });

  it("lets every write of the real bot and dashboard succeed, next to what our bot does", async () => {
    // Our bot acts first on bookings and messages the real system will later change or delete.
    ids.test = await real.createBooking({ userId: TEST_USER.id, username: TEST_USER.username, firstName: TEST_USER.firstName, courseId: 1, stream: "4th_stream" });
    await h.send(`/booking ${ids.test}`);
    await h.press(h.lastSent(), "🟢 Подтвердить");
    await h.press(h.lastSent(), "✅ Да, подтвердить");
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM outbox WHERE booking_id = $1", [ids.test])).toEqual([{ n: 1 }]);
    const ours = await queueTextBroadcast(database.db, h.api, { audience: { kind: "bookings", status: "any" }, text: "Всем привет", adminId: ADMIN.id });

    // The real bot: a double press books twice; a re-booking; an old "approve" button of a
    // cancelled booking while a newer one is live; payment proof; the bulk stream move.
    const first = await real.createBooking({ userId: BORIS.id, username: BORIS.username, firstName: BORIS.firstName, courseId: 1, stream: "5th_stream" });
    const second = await real.createBooking({ userId: BORIS.id, username: BORIS.username, firstName: BORIS.firstName, courseId: 1, stream: "5th_stream" });
    expect(second).toBeGreaterThan(first);
    await real.approve(ids.boris, BORIS.id, REAL_ADMIN.id);
    await real.paymentProof(BORIS.id);
    await real.moveStream("5th_stream", "4th_stream");
    await real.logEvent(BORIS.id, "start_command", { username: BORIS.username });
    await real.logEvent(BORIS.id, "view_program", { course_id: 1 });
    const lesson = { userId: BORIS.id, username: BORIS.username, firstName: BORIS.firstName, email: "boris@example.com", lessonType: "vibecoding_lesson", lessonDate: "2026-12-10" };
    const registration = await real.registerForLesson(lesson);
    // The same lesson again updates the row (its upsert); the reminder marks it; a lesson
    // without a date (no datetime in its lessons.yaml) is a row of its own.
    expect(await real.registerForLesson({ ...lesson, email: "boris@new.example" })).toBe(registration);
    await real.markLessonNotified(registration);
    await real.registerForLesson({ ...lesson, lessonType: "cursor_lesson", lessonDate: null });
    await real.createCoupon("X7K2M9QA", 100, 1, REAL_ADMIN.id);
    await real.upsertUser({ ...BORIS, firstName: "Борис Б." });

    // The dashboard: edits by id, a stream change onto a stream the student holds, messages.
    await real.editBooking(first, { course_stream: "6th_stream", confirmed: 2, discount_percent: 10, course_id: 1 });
    await real.changeStream(BORIS.id, "6th_stream");
    const scheduled = await real.sendMessage("Напоминание", [ANNA.id, BORIS.id], new Date(Date.now() + 3_600_000));
    await real.markDelivered(scheduled, ANNA.id, 555);
    await real.recount(scheduled);
    await real.blockUser(BORIS.id);
    await real.unblockUser(BORIS.id);
    await real.blockUser(BORIS.id, "manual");

    // Clean-ups of rows our bot touched: a booking with our events and outbox row, our broadcast.
    await real.deleteByUsername("test_user");
    await real.deleteMessage(ours.id);
    await real.deleteMessage(scheduled);

    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM bookings WHERE id = $1", [ids.test])).toEqual([{ n: 0 }]);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM message_recipients")).toEqual([{ n: 0 }]);
    // Our rows about it stay (the history of what we did); they no longer block anything.
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM outbox WHERE booking_id = $1", [ids.test])).toEqual([{ n: 1 }]);
  });

  it("counts per status what the real system wrote, including its statement-level changes", async () => {
    const expected = await realCounts(database);
    expect(await countBookingsByStatus(database.db, {})).toEqual(expected);
    const list = await h.send("/bookings");
    expect(buttonRows(list[0]!.payload.reply_markup).slice(0, 2).flat()).toEqual([
      `✓ Все ${expected.all}`,
      `⚪ Новые ${expected[0]}`,
      `🟡 В ожидании ${expected[1]}`,
      `🟢 Подтверждённые ${expected[2]}`,
      `🔴 Отменённые ${expected[-1]}`,
    ]);
  });

  it("reads the real users' times in the server's zone, whatever this process's zone", async () => {
    // '2026-03-01 12:00:00' in Pago Pago is 23:00 UTC, 02:00 the next day in Moscow (TZ_DISPLAY).
    const calls = await h.send(`/user ${ANNA.id}`);
    expect(calls[0]!.payload.text).toContain("Впервые в боте: 02.03.2026 02:00");
    // A row the real bot's upsert writes with now() reads as the moment it was written: between
    // two readings of the server's clock taken around it (milliseconds, as a Date has them).
    const serverClock = async () => Number((await rawQuery(database, "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms"))[0]!.ms);
    const expectWrittenBetween = (ms: number, before: number, after: number) => {
      expect(ms).toBeGreaterThanOrEqual(Math.floor(before));
      expect(ms).toBeLessThanOrEqual(Math.ceil(after));
    };
    let before = await serverClock();
    await real.upsertUser(BORIS);
    const [row] = await rawQuery(database, "SELECT (extract(epoch FROM updated_at::timestamptz) * 1000)::float8 AS ms FROM users WHERE user_id = $1", [BORIS.id]);
    expectWrittenBetween(Number(row!.ms), before, await serverClock());
    const { findStudent } = await import("../../src/db/queries/students");
    before = await serverClock();
    await rawExec(database, `UPDATE users SET first_seen_at = now() WHERE user_id = ${IRA.id}`);
    await real.upsertUser({ id: IRA.id, username: "ira", firstName: "Ира" });
    const ira = await findStudent(database.db, { userId: IRA.id });
    expectWrittenBetween(ira!.firstSeenAt!.getTime(), before, await serverClock());
  });

  it("shows the real bot's events in the card's history, with the admin who approved", async () => {
    const calls = await h.send(`/booking ${ids.anna}`);
    const history = calls[0]!.payload.text!.split("<b>История</b>\n")[1]!.split("\n\n")[0]!.split("\n");
    expect(history.map((line) => line.replace(/^\d\d\.\d\d\.\d{4} \d\d:\d\d · /, ""))).toEqual([
      "∅ → ⚪ · студент",
      "⚪ → 🟡",
      "🟡 → 🟢 · Сергей (админ)",
    ]);
  });

  it("restores a booking the real bot cancelled to the status it had, from the real events", async () => {
    const booking = await real.createBooking({ userId: ANNA.id, username: ANNA.username, firstName: ANNA.firstName, courseId: 1, stream: "7th_stream" });
    await real.paymentProof(ANNA.id);
    await real.studentCancels(booking, ANNA.id);
    await h.send(`/booking ${booking}`);
    await h.press(h.lastSent(), "↩️ Восстановить");
    const done = await h.press(h.lastSent(), "✅ Да, восстановить");
    expect(done[0]!.payload.text!.split("\n")[0]).toBe("✅ Готово: 🔴 Отменено → 🟡 В ожидании.");
    expect(await rawQuery(database, "SELECT confirmed FROM bookings WHERE id = $1", [booking])).toEqual([{ confirmed: 1 }]);
    const lines = done[0]!.payload.text!.split("<b>История</b>\n")[1]!.split("\n\n")[0]!.split("\n");
    expect(lines.map((line) => line.replace(/^\d\d\.\d\d\.\d{4} \d\d:\d\d · /, ""))).toEqual([
      "∅ → ⚪ · студент",
      "⚪ → 🟡",
      "🟡 → 🔴 · студент",
      "🔴 → 🟡 · Анна (админ)",
    ]);
  });

  it("gives a real coupon's discount through /start ref_<CODE>, as the real bot does", async () => {
    await rawExec(database, "UPDATE streams SET is_open = true, course_id = 1 WHERE code = '8th_stream'");
    const start = await h.send("/start ref_SPRING20", IRA);
    expect(start[0]!.payload.text).toContain("Промокод <code>SPRING20</code>: скидка 20% к заявке.");
    await h.press(h.lastSent(IRA.id), "Вайб кодинг · 8-й поток", IRA);
    expect(await rawQuery(database, "SELECT referral_code, discount_percent FROM bookings WHERE user_id = $1", [IRA.id])).toEqual([
      { referral_code: "SPRING20", discount_percent: 20 },
    ]);
    expect(await rawQuery(database, "SELECT current_activations FROM referral_coupons WHERE code = 'SPRING20'")).toEqual([{ current_activations: 2 }]);
    // Used once per student: a second link brings nothing.
    const again = await h.send("/start ref_SPRING20", IRA);
    expect(again[0]!.payload.text).toContain("Промокод <code>SPRING20</code> вы уже использовали.");
  });

  it("takes payment proofs beside the real bot's: its events, its status codes, its deletes", async () => {
    const katya: User = { id: 5_105, is_bot: false, first_name: "Катя", username: "katya" };
    await real.upsertUser({ id: katya.id, username: "katya", firstName: "Катя" });
    const eventsOf = (id: number) =>
      rawQuery(database, "SELECT event_type, details->>'old_status' AS old, details->>'new_status' AS new FROM events WHERE details->>'booking_id' = $1 ORDER BY id", [String(id)]);

    // The real bot's booking, paid through ours: 0 → 1 with the events the real bot writes.
    const first = await real.createBooking({ userId: katya.id, username: "katya", firstName: "Катя", courseId: 1, stream: "9th_stream" });
    const received = await h.sendPhoto(katya, "AgAC-katya-1");
    expect(received[0]!.payload.text).toMatch(new RegExp(`^📎 Спасибо! Чек по заявке #${first} `));
    expect(await eventsOf(first)).toEqual([
      { event_type: "booking_created", old: null, new: null },
      { event_type: "payment_proof_uploaded", old: null, new: null },
      { event_type: "booking_status_changed", old: "0", new: "1" },
    ]);
    // The real bot then gets a photo too: it finds nothing at status 0, and its write succeeds.
    expect(await real.paymentProof(katya.id)).toBeUndefined();
    // Its admin approves; our card shows both bots' steps and the proof.
    await real.approve(first, katya.id, REAL_ADMIN.id);
    const card = await h.send(`/booking ${first}`);
    const history = card[0]!.payload.text!.split("<b>История</b>\n")[1]!.split("\n\n")[0]!.split("\n");
    expect(history.map((line) => line.replace(/^\d\d\.\d\d\.\d{4} \d\d:\d\d · /, ""))).toEqual(["∅ → ⚪ · студент", "⚪ → 🟡 · студент", "🟡 → 🟢 · Сергей (админ)"]);
    expect(buttonRows(card[0]!.payload.reply_markup).slice(-2)).toEqual([["↻ Обновить", "📎 Чек"], ["✉️ Написать"]]);

    // The real bot took the proof first (status 1): ours keeps the PDF with it, status untouched.
    const second = await real.createBooking({ userId: katya.id, username: "katya", firstName: "Катя", courseId: 1, stream: "10th_stream" });
    expect(await real.paymentProof(katya.id)).toBe(second);
    const again = await h.sendDocument(katya, { fileId: "BQAC-katya-2" });
    expect(again[0]!.payload.text).toBe(`📎 Получили ещё один файл к заявке #${second} и передали администратору.`);
    expect(await rawQuery(database, "SELECT confirmed FROM bookings WHERE id = $1", [second])).toEqual([{ confirmed: 1 }]);
    expect((await eventsOf(second)).map((e) => e.event_type)).toEqual(["booking_created", "booking_status_changed", "payment_proof_uploaded"]);

    // The real bot's clean-up deletes bookings with proofs: nothing of ours stops it.
    await real.deleteByUsername("katya");
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM bookings WHERE user_id = $1", [katya.id])).toEqual([{ n: 0 }]);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM payment_proofs WHERE user_id = $1", [katya.id])).toEqual([{ n: 2 }]);
  });

  it("skips students the dashboard recorded as blocked in a broadcast", async () => {
    const made = await queueTextBroadcast(database.db, h.api, { audience: { kind: "bookings", status: "any" }, text: "x", adminId: ADMIN.id });
    const recipients = await rawQuery(database, "SELECT user_id::int AS id FROM message_recipients WHERE message_id = $1 ORDER BY 1", [made.id]);
    expect(recipients.map((r) => r.id)).not.toContain(BORIS.id);
    expect(recipients.map((r) => r.id)).toContain(ANNA.id);
  });

  it("finishes our broadcast from its recipients on the real layout, and sends nothing of one the dashboard deleted", async () => {
    const kept = await queueTextBroadcast(database.db, h.api, { audience: { kind: "bookings", status: 2 }, text: "Итоги месяца", adminId: ADMIN.id });
    const dropped = await queueTextBroadcast(database.db, h.api, { audience: { kind: "bookings", status: 2 }, text: "Черновик", adminId: ADMIN.id });
    await real.deleteMessage(dropped.id);
    // sent_at is filled on insert there, as the real system does: it says nothing about the end.
    expect(await rawQuery(database, "SELECT sent_at IS NOT NULL AS sent_at, finished_at FROM message_history WHERE id = $1", [kept.id])).toEqual([
      { sent_at: true, finished_at: null },
    ]);
    const worker = testWorker(database.db, h.api, FAST, { onOutcome: finishBroadcastOnLastRecipient(broadcastWords) });
    worker.start();
    try {
      await eventually("the outbox is delivered", () => allDone(database.db));
    } finally {
      await worker.stop();
    }
    expect(await rawQuery(database, "SELECT total_recipients, successful_deliveries, finished_at IS NOT NULL AS finished FROM message_history WHERE id = $1", [kept.id])).toEqual([
      { total_recipients: kept.recipients, successful_deliveries: kept.recipients, finished: true },
    ]);
    const texts = h.api.delivered().map((d) => d.text);
    expect(texts).toContain(`✅ Рассылка #${kept.id} завершена: доставлено ${kept.recipients} из ${kept.recipients} · не доставлено 0`);
    expect(texts).not.toContain("Черновик");
    expect(await rawQuery(database, "SELECT DISTINCT status, last_error FROM outbox WHERE dedupe_key LIKE $1", [`broadcast:${dropped.id}:%`])).toEqual([
      { status: "failed", last_error: "not sent: the broadcast was deleted" },
    ]);
  });

  it("has nothing to warn about on a database without old duplicates", async () => {
    const report = await checkHealth(database.db, { migrationsFolder: migrationsFolder() });
    expect(report.notes).toEqual([]);
  });
});

describe("a real database that already holds duplicate live bookings", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await realDatabase();
    const real = realSystem(database.pool);
    for (let i = 0; i < 2; i++) await real.createBooking({ userId: ANNA.id, username: ANNA.username, firstName: ANNA.firstName, courseId: 1, stream: "4th_stream" });
    await runMigrations(database);
  });
  afterAll(() => database?.dispose());

  it("migrates, says so in db:check and /health, and every real write still succeeds", async () => {
    const report = await checkHealth(database.db, { migrationsFolder: migrationsFolder() });
    expect(report.ok).toBe(true);
    expect(report.notes).toEqual([
      {
        key: "duplicate-live-bookings",
        level: "info",
        count: 1,
        detail: null,
        message: "1 student(s) hold more than one live booking in one course stream (made outside this bot)",
        advice: "find them with /user and cancel the extra ones; this bot never adds such a booking",
      },
    ]);
    const h = await createHarness(database.db);
    try {
      const health = await h.send("/health");
      expect(health[0]!.payload.text).toContain(
        "<b>Подключение к базе</b>\nℹ️ Студентов с двумя живыми заявками на один поток: 1 (созданы не этим ботом). Найдите их через /user и отмените лишние.",
      );
    } finally {
      await h.close();
    }
    const real = realSystem(database.pool);
    const third = await real.createBooking({ userId: ANNA.id, username: ANNA.username, firstName: ANNA.firstName, courseId: 1, stream: "4th_stream" });
    await real.approve(third, ANNA.id, REAL_ADMIN.id);
    await real.approve(1, ANNA.id, REAL_ADMIN.id);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM bookings WHERE user_id = $1 AND confirmed = 2", [ANNA.id])).toEqual([{ n: 2 }]);
  });
});
