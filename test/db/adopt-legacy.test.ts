import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationsFolder, runMigrations } from "../../src/db/migrate";
import { COVERED_INDEXES, SHARED_INDEXES } from "../../src/db/shared-indexes";
import { countBookingsByStatus, getBooking, listBookingsPage } from "../../src/db/queries/bookings";
import { findStudent } from "../../src/db/queries/students";
import { createTestDatabase, migrationCount, rawExec, rawQuery, type TestDatabase } from "../helpers/db";

/**
 * An older layout of the real booking service's database: no NOT NULL beyond the keys, no check
 * constraint, no foreign key, one index of its own, and neighbours we never touch. (The current
 * layout, with every real write replayed, is test/db/coexistence.test.ts.)
 */
const LEGACY_SCHEMA = `
CREATE TABLE courses (
  id serial PRIMARY KEY,
  name text,
  description text,
  price_usd_cents integer,
  button_text text,
  is_active boolean DEFAULT true,
  start_date_text text
);
CREATE TABLE users (
  user_id bigint PRIMARY KEY,
  username text,
  first_name text,
  last_name text,
  language_code text,
  first_seen_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now()
);
CREATE TABLE bookings (
  id serial PRIMARY KEY,
  user_id bigint,
  username text,
  first_name text,
  course_id integer,
  course_stream varchar(50),
  confirmed integer DEFAULT 0,
  created_at timestamptz DEFAULT now(),
  referral_code text,
  discount_percent integer DEFAULT 0
);
CREATE INDEX idx_bookings_user ON bookings (user_id);
CREATE TABLE events (id serial PRIMARY KEY, user_id bigint, event_type text, details jsonb, created_at timestamptz DEFAULT now());
CREATE TABLE message_history (
  id serial PRIMARY KEY, message_text text, total_recipients int, successful_deliveries int,
  sent_at timestamptz, created_at timestamptz DEFAULT now(), recipient_type text, recipient_group text, scheduled_at timestamptz
);
CREATE TABLE message_recipients (
  id serial PRIMARY KEY, message_id integer REFERENCES message_history(id), user_id bigint, username text,
  delivery_status text, created_at timestamptz DEFAULT now(), telegram_message_id bigint
);
`;

const LEGACY_ROWS = `
INSERT INTO courses (name, description, price_usd_cents, button_text, is_active, start_date_text) VALUES
  ('Вайб кодинг', 'Курс', 30000, 'Записаться', true, '1 декабря'),
  ('Старый курс', NULL, NULL, NULL, false, NULL);
INSERT INTO users (user_id, username, first_name, last_name, language_code, first_seen_at, updated_at) VALUES
  (111, 'Legacy_Anna', 'Анна', 'Смирнова', 'ru', '2025-01-10 10:00:00+00', '2025-06-01 10:00:00+00');
INSERT INTO bookings (user_id, username, first_name, course_id, course_stream, confirmed, created_at, referral_code, discount_percent) VALUES
  (111, 'legacy_anna', 'Анна', 1, '3rd_stream', 2, '2025-01-10 10:05:00.123456+00', 'REF1', 10),
  (222, NULL, NULL, 1, '8th_stream', 1, '2025-03-01 12:00:00+00', NULL, 0),
  (333, 'new_guy', 'Новичок', 1, '9th_stream', 0, '2025-03-01 12:00:00+00', NULL, DEFAULT),
  (444, 'canceller', 'Отказ', 2, 'mentoring', -1, '2025-02-01 08:00:00+00', NULL, NULL),
  (555, 'orphan', 'Сирота', 99, NULL, 1, '2025-04-01 00:00:00.000001+00', NULL, 0);
INSERT INTO bookings (user_id, username, course_id, course_stream) VALUES (666, 'defaults', 1, '4th_stream');
INSERT INTO events (user_id, event_type, details) VALUES (111, 'start', '{"source": "ad"}');
INSERT INTO message_history (message_text, total_recipients, successful_deliveries, recipient_type) VALUES ('Привет', 1, 1, 'all');
INSERT INTO message_recipients (message_id, user_id, username, delivery_status, telegram_message_id) VALUES (1, 111, 'legacy_anna', 'sent', 4242);
`;

const NEW_COLUMNS = ["referral_code", "error", "created_by", "progress_message_id", "finished_at"];

/** Every legacy table, every column, as text: any change to any row shows up. */
async function snapshot(database: TestDatabase): Promise<Record<string, string[]>> {
  const tables = ["courses", "users", "bookings", "events", "message_history", "message_recipients"];
  const result: Record<string, string[]> = {};
  for (const table of tables) {
    // to_jsonb keeps microseconds; every connection renders them in the same server time zone.
    // Only the legacy columns: migrations may add new (nullable) ones, never alter old values.
    const rows = await rawQuery(
      database,
      `SELECT (to_jsonb(x) - ${NEW_COLUMNS.map((c) => `'${c}'`).join(" - ")})::text AS j FROM ${table} x ORDER BY 1`,
    );
    result[table] = rows.map((r) => String(r.j));
  }
  return result;
}

async function indexNames(database: TestDatabase): Promise<string[]> {
  const rows = await rawQuery(database, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");
  return rows.map((r) => String(r.indexname));
}

const OUR_INDEXES = SHARED_INDEXES.map((i) => i.name);

describe("adopting the real system's database", () => {
  let database: TestDatabase;
  let before: Record<string, string[]>;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    await rawExec(database, LEGACY_SCHEMA);
    await rawExec(database, LEGACY_ROWS);
    before = await snapshot(database);
    await runMigrations(database);
  });
  afterAll(() => database?.dispose());

  it("keeps every legacy row, every column unchanged", async () => {
    expect(before.bookings).toHaveLength(6);
    expect(await snapshot(database)).toEqual(before);
  });

  it("makes created_at and confirmed NOT NULL (no legacy row lacked them), leaves the rest", async () => {
    const rows = await rawQuery(
      database,
      "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = 'bookings' AND column_name IN ('user_id', 'confirmed', 'created_at') ORDER BY column_name",
    );
    expect(rows).toEqual([
      { column_name: "confirmed", is_nullable: "NO" },
      { column_name: "created_at", is_nullable: "NO" },
      { column_name: "user_id", is_nullable: "YES" },
    ]);
  });

  it("creates the streams table with the seven known titles", async () => {
    const streams = await rawQuery(database, "SELECT code, title FROM streams ORDER BY title");
    expect(streams.map((r) => `${r.code}: ${r.title}`)).toEqual([
      ...[3, 4, 5, 6, 7, 8].map((n) => `${n}${n === 3 ? "rd" : "th"}_stream: ${n}-й поток`),
      "mentoring: Менторинг",
    ]);
  });

  it("adds our indexes, and drops the legacy one a composite index covers", async () => {
    const names = await indexNames(database);
    for (const name of OUR_INDEXES) expect(names).toContain(name);
    for (const name of COVERED_INDEXES) expect(names).not.toContain(name);
    // Every one is usable (a concurrent build that failed would leave it invalid).
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM pg_index WHERE NOT indisvalid")).toEqual([{ n: 0 }]);
  });

  it("adds no CHECK or foreign key to bookings: whatever the real system writes is accepted", async () => {
    const constraints = await rawQuery(database, "SELECT conname FROM pg_constraint WHERE conrelid = 'bookings'::regclass AND contype IN ('c', 'f', 'u')");
    expect(constraints).toEqual([]);
    await rawExec(database, "INSERT INTO bookings (user_id, confirmed, course_id) VALUES (777, 5, 99)");
    expect(await countBookingsByStatus(database.db, {})).toMatchObject({ all: 7 });
    await rawExec(database, "DELETE FROM bookings WHERE user_id = 777");
  });

  it("continues the legacy id sequence", async () => {
    const [row] = await rawQuery(database, "INSERT INTO bookings (user_id, course_id) VALUES (778, 1) RETURNING id");
    expect(Number(row!.id)).toBeGreaterThan(6);
    await rawQuery(database, "DELETE FROM bookings WHERE id = $1", [row!.id]);
  });

  it("reads the legacy rows through the query layer", async () => {
    const page = await listBookingsPage(database.db, {}, { dir: "first" }, 10);
    // 666 was booked "now"; the two rows at 2025-03-01 12:00 tie and the higher id comes first.
    expect(page.rows.map((r) => r.userId)).toEqual([666, 555, 333, 222, 444, 111]);
    expect(page).toMatchObject({ hasNewer: false, hasOlder: false, isFirst: true });

    const older = await listBookingsPage(database.db, {}, { dir: "older", id: 3 }, 2);
    expect(older.rows.map((r) => r.id)).toEqual([2, 4]);
    expect(older).toMatchObject({ hasNewer: true, hasOlder: true, isFirst: false });

    expect(await getBooking(database.db, 1)).toEqual({
      id: 1,
      userId: 111,
      username: "legacy_anna",
      firstName: "Анна",
      courseId: 1,
      courseStream: "3rd_stream",
      confirmed: 2,
      createdAt: new Date("2025-01-10T10:05:00.123Z"),
      referralCode: "REF1",
      discountPercent: 10,
      courseName: "Вайб кодинг",
      courseStartText: "1 декабря",
      streamTitle: "3-й поток",
      streamStartsAt: null,
    });
    expect(await getBooking(database.db, 3)).toMatchObject({ confirmed: 0, courseStream: "9th_stream", streamTitle: null, discountPercent: 0 });
    expect(await getBooking(database.db, 4)).toMatchObject({ courseName: "Старый курс", streamTitle: "Менторинг", discountPercent: null });
    expect(await getBooking(database.db, 5)).toMatchObject({ courseId: 99, courseName: null, streamTitle: null });
    expect(await getBooking(database.db, 6)).toMatchObject({ confirmed: 0, discountPercent: 0, streamTitle: "4-й поток" });

    expect(await countBookingsByStatus(database.db, {})).toEqual({ all: 6, 0: 2, 1: 2, 2: 1, [-1]: 1 });
    expect(await findStudent(database.db, { username: "@LEGACY_ANNA" })).toEqual({
      userId: 111,
      username: "Legacy_Anna",
      firstName: "Анна",
      lastName: "Смирнова",
      firstSeenAt: new Date("2025-01-10T10:00:00Z"),
    });
    expect(await findStudent(database.db, { userId: 222 })).toMatchObject({ username: null, firstName: null });
  });

  it("is idempotent: running the migrations again changes nothing", async () => {
    const indexesBefore = await indexNames(database);
    await runMigrations(database);
    await runMigrations(database);
    expect(await snapshot(database)).toEqual(before);
    expect(await indexNames(database)).toEqual(indexesBefore);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM streams")).toEqual([{ n: 7 }]);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations")).toEqual([{ n: migrationCount() }]);
  });

  it("has migration SQL that itself re-applies cleanly (not only skipped by drizzle's journal)", async () => {
    const journal = JSON.parse(readFileSync(join(migrationsFolder(), "meta/_journal.json"), "utf8")) as { entries: Array<{ tag: string }> };
    for (const { tag } of journal.entries) {
      const text = readFileSync(join(migrationsFolder(), `${tag}.sql`), "utf8");
      // As drizzle applies them: each file's statements inside one transaction.
      await rawExec(database, `BEGIN;\n${text.split("--> statement-breakpoint").join(";\n")};\nCOMMIT;`);
    }
    expect(await snapshot(database)).toEqual(before);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM streams")).toEqual([{ n: 7 }]);
    expect(
      await rawQuery(database, "SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'bookings'::regclass AND contype IN ('c', 'f')"),
    ).toEqual([{ n: 0 }]);
  });

  it("dates a legacy booking without created_at at the epoch and reads a NULL status as new", async () => {
    const legacy = await createTestDatabase({ migrate: false });
    try {
      await rawExec(legacy, LEGACY_SCHEMA);
      await rawExec(legacy, LEGACY_ROWS);
      await rawExec(legacy, "INSERT INTO bookings (user_id, username, course_id, created_at, confirmed) VALUES (888, 'no_date', 1, NULL, NULL)");
      await runMigrations(legacy);
      const all = (await rawQuery(legacy, "SELECT id FROM bookings ORDER BY id")).map((r) => Number(r.id));
      const seen: number[] = [];
      let page = await listBookingsPage(legacy.db, {}, { dir: "first" }, 1);
      seen.push(...page.rows.map((r) => r.id));
      while (page.hasOlder && seen.length <= all.length) {
        page = await listBookingsPage(legacy.db, {}, { dir: "older", id: page.rows[0]!.id }, 1);
        seen.push(...page.rows.map((r) => r.id));
      }
      expect([...seen].sort((a, b) => a - b)).toEqual(all);
      const undated = await getBooking(legacy.db, all[all.length - 1]!);
      expect(undated).toMatchObject({ userId: 888, confirmed: 0, createdAt: new Date(0) });
      expect(seen[seen.length - 1]).toBe(undated!.id);
    } finally {
      await legacy.dispose();
    }
  });
});
