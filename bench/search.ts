import type { Message } from "grammy/types";
import type { Database } from "../src/db/client";
import { searchStudents } from "../src/db/queries/student-search";
import type { BenchBot } from "./browsing";
import { explainCases } from "./sql";
import { int, ms, sample, summarize, timingTable } from "./stats";

/** Students known only from bookings (older rows of the real system): the search must find them too. */
const LEGACY = { count: 1000, firstName: "Архип" };

/** What the bench searches for: the seed's names (src/db/seed.ts), one case each. */
export const SEARCHES = [
  { label: "a first name (~5% of users)", query: "Анна" },
  { label: "first and last name", query: "мария смирнова" },
  { label: "part of a username, any case", query: "IVAN_12" },
  { label: "part of a username, rare", query: "ksenia_777" },
  { label: "students only bookings know", query: "архип" },
  { label: "nobody", query: "Зинаида" },
] as const;

/**
 * Adds the legacy students: bookings whose user ids `users` lacks, as an adopted database of the
 * real system has from before its users table.
 */
export async function addLegacyStudents(database: Database): Promise<number[]> {
  const rows = await database.query<{ user_id: string }>(
    `INSERT INTO bookings (user_id, username, first_name, course_id, course_stream, confirmed, created_at)
     SELECT 10000000 + g, 'legacy_' || g, $1, 1, '3rd_stream', -1, timestamptz '2026-05-01 09:00:00Z' + g * interval '1 hour'
     FROM generate_series(1, $2::int) AS g
     RETURNING user_id`,
    [LEGACY.firstName, LEGACY.count],
  );
  return rows.map((r) => Number(r.user_id));
}

type Expected = { ids: number[]; total: number };

/**
 * The answer a search must give, straight from the tables in plain SQL of its own (strpos, not
 * LIKE; starts_with for the ranking) and not through the query layer: every word in the names,
 * the exact username first, then names that start with every word, then the rest, the most
 * recently active first (users: updated_at; the others: their newest booking); 20 at most.
 */
async function expectedAnswer(database: Database, words: string[]): Promise<Expected> {
  const holds = (text: string) => words.map((_, i) => `strpos(${text}, lower($${i + 1})) > 0`).join(" AND ");
  const starts = words.map((_, i) => `(starts_with(lower(coalesce(first_name, '')), lower($${i + 1})) OR starts_with(lower(coalesce(last_name, '')), lower($${i + 1})) OR starts_with(lower(coalesce(username, '')), lower($${i + 1})))`);
  const exact = words.length === 1 ? "lower(username) = lower($1)" : "false";
  const rows = await database.query<{ user_id: string; total: number }>(
    `WITH candidates AS (
       SELECT user_id, username, first_name, last_name, updated_at::timestamptz AS seen FROM users
       WHERE ${holds("lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(username, ''))")}
       UNION ALL
       SELECT * FROM (
         SELECT DISTINCT ON (user_id) user_id, username, first_name, NULL, (SELECT max(created_at) FROM bookings x WHERE x.user_id = b.user_id)
         FROM bookings b
         WHERE ${holds("lower(coalesce(first_name, '') || ' ' || coalesce(username, ''))")} AND b.user_id NOT IN (SELECT user_id FROM users)
         ORDER BY user_id, created_at DESC, id DESC
       ) booked_only
     )
     SELECT user_id, count(*) OVER ()::int AS total FROM candidates c
     ORDER BY CASE WHEN ${exact} THEN 0 WHEN ${starts.join(" AND ")} THEN 1 ELSE 2 END,
              seen DESC NULLS LAST, user_id
     LIMIT 20`,
    words,
  );
  return { ids: rows.map((r) => Number(r.user_id)), total: rows[0]?.total ?? 0 };
}

const digits = (s: string) => Number(s.replace(/\D/g, ""));

/** Throws unless the bot's answer is the expected one: the list (ids in order, the total), the one student's screen, or "nobody". */
function checkAnswer(message: Message, expected: Expected, query: string): void {
  const text = message.text ?? "";
  const ids = [...text.matchAll(/id <code>(\d+)<\/code>/g)].map((m) => Number(m[1]));
  const total = /^🔎 .* — ([\d\s  ]+) студент/.exec(text)?.[1];
  const ok =
    expected.total === 0
      ? text === `Никого не нашлось по запросу «${query}».`
      : expected.total === 1
        ? text.startsWith("👤 ") && ids[0] === expected.ids[0]
        : total !== undefined && digits(total) === expected.total && ids.join() === expected.ids.join();
  if (!ok) throw new Error(`/user ${query}: expected ${expected.total} match(es) starting ${expected.ids.slice(0, 5).join(", ")}; the bot showed:\n${text.slice(0, 600)}`);
}

/**
 * Each search through the bot, timed until the fake Bot API has the answer, which is checked
 * after the clock stops; then the query alone (searchStudents).
 */
export async function measureSearch(b: BenchBot, database: Database, repeat: number, bookedOnly: number[]) {
  const rows: Array<{ label: string; samples: number[] }> = [];
  const found: string[] = [];
  let checked = 0;
  for (const { label, query } of SEARCHES) {
    const words = query.split(" ");
    const expected = await expectedAnswer(database, words);
    const samples: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const started = performance.now();
      const message = await b.send(`/user ${query}`);
      samples.push(performance.now() - started);
      checkAnswer(message, expected, query);
      checked++;
    }
    rows.push({ label: `/user ${query}: ${label}`, samples });
    rows.push({ label: "  the query alone (searchStudents)", samples: await sample(repeat, () => searchStudents(database.db, words, 20, bookedOnly)) });
    found.push(`${query}: ${expected.total.toLocaleString("en-US")}`);
  }
  return { rows, checked, found: found.join(" · ") };
}

/** Issue 17's goal for a name search at 1,000,000 bookings and 100,000 users, end to end. */
export const SEARCH_GOAL_MS = 50;

/** The name search section of bench/results/browsing.md. */
export async function reportSearch(b: BenchBot, database: Database, repeat: number, out: (line?: string) => void): Promise<void> {
  const legacy = await addLegacyStudents(database);
  const [{ users = 0 } = {}] = await database.query<{ users: number }>("SELECT count(*)::int AS users FROM users");
  // The bot's first search walks the bookings once for the students `users` lacks (booked-only.ts).
  const started = performance.now();
  await b.send("/user Зинаида");
  const walkMs = performance.now() - started;
  const { rows, checked, found } = await measureSearch(b, database, repeat, legacy);
  const p95 = Math.max(...rows.filter((r) => r.label.startsWith("/user")).map((r) => summarize(r.samples).p95));
  out();
  out(
    `/user <name>, end to end, over ${int(users)} users and the bookings of ${int(LEGACY.count)} students users lacks · ` +
      `every answer checked against the tables (${int(checked)} answers) · goal p95 < ${SEARCH_GOAL_MS} ms: ${p95 < SEARCH_GOAL_MS ? "PASS" : "FAIL"}`,
  );
  out(`matches: ${found} · the first search after a start walked the bookings once for those students: ${ms(walkMs)} ms`);
  out(timingTable("case", rows));
  out();
  out("EXPLAIN ANALYZE of a name search (as the query layer sends it)");
  out(await explainCases(database, [{ label: `/user ${SEARCHES[0].query}`, run: (db) => searchStudents(db, [SEARCHES[0].query], 20, legacy) }]));
}
