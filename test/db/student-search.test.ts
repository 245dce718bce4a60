import { randomBytes } from "node:crypto";
import { drizzle } from "drizzle-orm/node-postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openPostgres, type Db } from "../../src/db/client";
import { checkHealth } from "../../src/db/health";
import { migrationsFolder, runMigrations } from "../../src/db/migrate";
import { bookedOnlyStudents } from "../../src/db/queries/booked-only";
import { searchStudents } from "../../src/db/queries/student-search";
import * as schema from "../../src/db/schema";
import { formatHealth } from "../../src/bot/format/health";
import { ru } from "../../src/bot/i18n";
import { createTestDatabase, databaseUrl, rawExec, rawQuery, withAdmin, type TestDatabase } from "../helpers/db";
import { eventually } from "../helpers/eventually";
import { addBookings, addCourse, addUser } from "../helpers/fixtures";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await addCourse(database.db);
  await addUser(database.db, { userId: 1, firstName: "ЁЖИК", lastName: "Вера", username: "Hedgehog" });
  await addUser(database.db, { userId: 2, firstName: "Анна", lastName: null, username: "anna" });
  await addBookings(database.db, [{ userId: 3, firstName: "Ёжик", username: "old_hedgehog" }]);
});
afterAll(() => database?.dispose());

const userIds = async (db: Db, words: string[]) => (await searchStudents(db, words, 20, [3])).matches.map((m) => m.userId);

describe("this server's lower() and pg_trgm", () => {
  // The embedded server runs the builtin C.UTF-8 locale, the local one libc's C.UTF-8: both must
  // fold Cyrillic (Ё included) and cut it into trigrams, or the index could not serve Cyrillic names.
  it("fold Cyrillic case and cut Cyrillic words into trigrams", async () => {
    const [row] = await rawQuery(
      database,
      "SELECT lower('ЁЖИК Вера') AS folded, cardinality(show_trgm('Ёжик')) AS trigrams, show_trgm('ЁЖИК') = show_trgm('ёжик') AS same",
    );
    // "  ё", " ёж", "ёжи", "жик", "ик " (pg_trgm shows multibyte ones as hashes); none in a locale blind to Cyrillic.
    expect(row).toEqual({ folded: "ёжик вера", trigrams: 5, same: true });
  });

  it("so a search finds names in any case, from users and from bookings", async () => {
    expect(await userIds(database.db, ["ёжик"])).toEqual([1, 3]);
    expect(await userIds(database.db, ["ЁЖИК", "вера"])).toEqual([1]);
    expect(await userIds(database.db, ["HEDGE"])).toEqual([1, 3]);
  });
});

describe("the search query", () => {
  it("can use the trigram index (a tiny table is read whole unless the planner is told otherwise)", async () => {
    const sent: Array<{ sql: string; params: unknown[] }> = [];
    const capturing = drizzle(database.pool, { schema, logger: { logQuery: (sql, params) => void sent.push({ sql, params }) } }) as unknown as Db;
    await searchStudents(capturing, ["вера", "ёж"], 20, [3]);
    expect(sent).toHaveLength(1);
    const client = await database.pool.connect();
    try {
      await client.query("SET enable_seqscan = off");
      const plan = (await client.query(`EXPLAIN ${sent[0]!.sql}`, sent[0]!.params)).rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(plan).toContain("Bitmap Index Scan on idx_users_name_trgm");
      // The students users lacks: their own bookings, by user id.
      expect(plan).toMatch(/Index Cond: \(user_id = ANY \('\{3\}'::bigint\[\]\)\)/);
    } finally {
      await client.query("RESET enable_seqscan");
      client.release();
    }
  });
});

describe("the trigram index on users", () => {
  // The real bot's upsert, as it writes every /start: whatever the names, the index takes the row.
  const upsert = `INSERT INTO users (user_id, username, first_name, last_name, language_code) VALUES ($1, $2, $3, $4, 'ru')
    ON CONFLICT (user_id) DO UPDATE SET username = excluded.username, first_name = excluded.first_name,
      last_name = excluded.last_name, language_code = excluded.language_code, updated_at = NOW()`;

  it.each([
    ["no names at all", [null, null, null]],
    ["a name of 100,000 characters", [null, "Я".repeat(100_000), null]],
    ["emoji, right-to-left and combining marks", ["x_1", "👨‍👩‍👧‍👦 מרים", "e\u0301\u202e"]],
    ["LIKE's own characters", ["a_b", "100%", "\\"]],
  ])("refuses no row of the real bot's: %s", async (_, [username, first, last]) => {
    await rawQuery(database, upsert, [900, username, first, last]);
    await rawQuery(database, upsert, [900, username, first, last]);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM users WHERE user_id = 900")).toEqual([{ n: 1 }]);
  });
});

describe("students only bookings know", () => {
  let own: TestDatabase;
  beforeAll(async () => {
    own = await createTestDatabase();
    await addCourse(own.db);
    await addUser(own.db, { userId: 2, firstName: "Анна", lastName: null, username: "anna" });
    await addBookings(own.db, [{ userId: 2, firstName: "Анна" }, { userId: 3, firstName: "Ёжик", username: "old_hedgehog" }]);
  });
  afterAll(() => own?.dispose());

  it("are walked once, then only the bookings added since, and in full again every hour", async () => {
    let now = 0;
    const list = bookedOnlyStudents(own.db, () => now);
    expect(await list()).toEqual([3]);
    // Two searches at once share one walk.
    expect(await Promise.all([list(), list()])).toEqual([[3], [3]]);

    await addBookings(own.db, [{ userId: 4, firstName: "Новый" }, { userId: 2, firstName: "Анна" }]);
    expect(await list()).toEqual([3, 4]);
    // Once 4 presses /start, `users` finds them, and the bookings do not list them again.
    await addUser(own.db, { userId: 4, firstName: "Новый", lastName: null, username: null });
    const found = await searchStudents(own.db, ["новый"], 20, await list());
    expect(found.matches.map((m) => m.userId)).toEqual([4]);

    // A `users` row deleted meanwhile shows after the next full walk, which runs beside the searches.
    await rawExec(own, "DELETE FROM users WHERE user_id = 2");
    expect(await list()).toEqual([3, 4]);
    now += 60 * 60_000;
    // This search does not wait for that walk (on a table this small it may be done already).
    expect([[3, 4], [2, 3]]).toContainEqual(await list());
    expect(await eventually("the full walk's list", async () => {
      const ids = await list();
      return ids.includes(2) && ids;
    })).toEqual([2, 3]);
  });
});

describe("a database that refuses pg_trgm", () => {
  // A managed server where our role may not create extensions: the start goes on, the search
  // reads the tables, and the operator is told (start log, db:check, /health) until it is fixed.
  const role = `no_trgm_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(8).toString("hex");
  const { adminUrl } = inject("testServer");
  let restricted: ReturnType<typeof openPostgres>;

  beforeAll(async () => {
    await rawExec(database, "DROP EXTENSION pg_trgm CASCADE");
    await withAdmin(adminUrl, (c) => c.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`));
    await rawExec(
      database,
      `GRANT USAGE ON SCHEMA drizzle TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA drizzle TO ${role};
       GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role};
       REVOKE CREATE ON DATABASE ${new URL(database.url).pathname.slice(1)} FROM PUBLIC`,
    );
    const url = new URL(databaseUrl(adminUrl, new URL(database.url).pathname.slice(1)));
    url.username = role;
    url.password = password;
    restricted = openPostgres(url.toString(), { max: 2 });
  });
  afterAll(async () => {
    await restricted?.close();
    await rawExec(database, `DROP OWNED BY ${role}`);
    await withAdmin(adminUrl, (c) => c.query(`DROP ROLE IF EXISTS ${role}`));
  });

  it("migrates without the search indexes, says why, and the search still answers", async () => {
    const lines: string[] = [];
    await runMigrations(restricted, { logger: { info: (_o: unknown, line?: string) => void lines.push(String(line)) } as never });
    expect(lines.find((l) => l.startsWith("pg_trgm could not be created"))).toMatch(/permission denied to create extension "pg_trgm"/);
    const indexes = await rawQuery(database, "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_name_trgm'");
    expect(indexes).toEqual([]);
    expect(await userIds(restricted.db, ["ЁЖИК", "вера"])).toEqual([1]);

    const report = await checkHealth(restricted.db, { migrationsFolder: migrationsFolder() });
    expect(report.ok).toBe(true);
    const note = report.notes.find((n) => n.key === "search-without-trigram-index");
    expect(note).toMatchObject({ level: "warning", advice: "run CREATE EXTENSION pg_trgm as a superuser or the database owner; the next start builds the search index" });
    expect(note!.message).toMatch(/^pg_trgm could not be created \(permission denied to create extension "pg_trgm"\): \/user <name> reads the whole users table/);
    expect(formatHealth(report, ru)).toContain(
      '⚠️ Расширение pg_trgm не установлено (permission denied to create extension "pg_trgm"): поиск /user по имени читает таблицу users целиком',
    );
  });

  it("builds them and drops the note once a start may create the extension", async () => {
    await runMigrations(database);
    const indexes = await rawQuery(database, "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_name_trgm' ORDER BY 1");
    expect(indexes.map((r) => r.indexname)).toEqual(["idx_users_name_trgm"]);
    expect(await rawQuery(database, "SELECT key FROM migration_notes WHERE key = 'search-without-trigram-index'")).toEqual([]);
  });
});
