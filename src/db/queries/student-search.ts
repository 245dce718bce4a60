import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { rawRows } from "../raw";
import { USERS_NAME_TEXT } from "../shared-indexes";
import type { StatusCounts } from "./bookings";

export type StudentMatch = {
  userId: number;
  username: string | null;
  firstName: string | null;
  lastName: string | null;
  counts: StatusCounts;
};

/** The best matches (at most the limit asked for) and how many there are in all. */
export type StudentSearch = { matches: StudentMatch[]; total: number };

/** The names a booking carries, as USERS_NAME_TEXT has a `users` row's. */
const BOOKINGS_NAME_TEXT = `lower(coalesce(b.first_name, '') || ' ' || coalesce(b.username, ''))`;

/** `%` and `_` in what an admin typed are letters, not LIKE's wildcards. */
const literal = (word: string) => word.replace(/[\\%_]/g, "\\$&");

type Row = {
  user_id: string;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  total: number;
  n0: number;
  n1: number;
  n2: number;
  n_cancelled: number;
  n_all: number;
};

/**
 * Students whose names hold every word (in any of first name, last name, username; any case,
 * Cyrillic included: lower() in the database's locale), from `users` — people who only pressed
 * /start too — and, among `bookedOnly` (bookedOnlyStudents), from the bookings of students
 * `users` lacks. Best first: the exact username, then names that start with every word, then
 * the rest; among equals the most recently active: for `users` the last time a bot saw them
 * (`updated_at`, which the real bot and ours stamp at every /start, a booking's first step), for
 * the others their newest booking.
 *
 * Each word is a `LIKE '%word%'` on one lowercased string per `users` row, the expression its
 * trigram index is built on (shared-indexes.ts), so PostgreSQL answers from the index (or, on a
 * server without pg_trgm, by reading the table: slower, same answer).
 */
export async function searchStudents(db: Db, words: readonly string[], limit: number, bookedOnly: readonly number[] = []): Promise<StudentSearch> {
  if (words.length === 0) return { matches: [], total: 0 };
  const contains = (text: string) => sql.join(words.map((w) => sql`${sql.raw(text)} LIKE lower(${`%${literal(w)}%`})`), sql` AND `);
  const startsWith = (field: string, w: string) => sql`lower(m.${sql.raw(field)}) LIKE lower(${`${literal(w)}%`})`;
  const everyWordStarts = sql.join(
    words.map((w) => sql`(${startsWith("first_name", w)} OR ${startsWith("last_name", w)} OR ${startsWith("username", w)})`),
    sql` AND `,
  );
  const exactUsername: SQL = words.length === 1 ? sql`lower(m.username) = lower(${words[0]})` : sql`false`;
  // Their bookings by user id (an index probe each), the names checked on those rows alone.
  const booked: SQL = bookedOnly.length === 0 ? sql`` : sql`
      UNION ALL
      SELECT * FROM (
        SELECT DISTINCT ON (b.user_id) b.user_id, b.username, b.first_name, NULL::text,
               (SELECT max(x.created_at) FROM bookings x WHERE x.user_id = b.user_id)
        FROM bookings b
        WHERE b.user_id = ANY(${`{${bookedOnly.join(",")}}`}::bigint[]) AND ${contains(BOOKINGS_NAME_TEXT)}
          AND NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = b.user_id)
        ORDER BY b.user_id, b.created_at DESC, b.id DESC
      ) booked_only`;

  const rows = await rawRows<Row>(db, sql`
    WITH matched AS (
      SELECT user_id, username, first_name, last_name, updated_at::timestamptz AS active
      FROM users WHERE ${contains(USERS_NAME_TEXT)}${booked}
    ),
    ranked AS (
      SELECT m.*,
        CASE WHEN ${exactUsername} THEN 0 WHEN ${everyWordStarts} THEN 1 ELSE 2 END AS rank,
        count(*) OVER () AS total
      FROM matched m
      ORDER BY rank, m.active DESC NULLS LAST, m.user_id
      LIMIT ${limit}
    )
    SELECT r.user_id, r.username, r.first_name, r.last_name, r.total::int AS total, c.*
    FROM ranked r
    CROSS JOIN LATERAL (
      -- The trigger-kept counters (migration 0010): four rows a student, however many bookings.
      SELECT coalesce(sum(s.n) FILTER (WHERE s.status = 0), 0)::int AS n0, coalesce(sum(s.n) FILTER (WHERE s.status = 1), 0)::int AS n1,
             coalesce(sum(s.n) FILTER (WHERE s.status = 2), 0)::int AS n2, coalesce(sum(s.n) FILTER (WHERE s.status = -1), 0)::int AS n_cancelled,
             coalesce(sum(s.n), 0)::int AS n_all
      FROM student_status_counts s WHERE s.user_id = r.user_id
    ) c
    ORDER BY r.rank, r.active DESC NULLS LAST, r.user_id`);
  return {
    total: rows[0]?.total ?? 0,
    matches: rows.map((r) => ({
      userId: Number(r.user_id),
      username: r.username,
      firstName: r.first_name,
      lastName: r.last_name,
      counts: { all: r.n_all, 0: r.n0, 1: r.n1, 2: r.n2, [-1]: r.n_cancelled },
    })),
  };
}
