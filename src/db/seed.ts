import type { Database } from "./client";
import type { BookingStatus } from "./schema";

/** Small deterministic PRNG (mulberry32): the same seed gives the same demo data. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = [
  "Анна", "Иван", "Мария", "Дмитрий", "Екатерина", "Алексей", "Ольга", "Сергей", "Наталья", "Андрей",
  "Юлия", "Павел", "Елена", "Михаил", "Татьяна", "Никита", "Ксения", "Артём", "Дарья", "Максим",
];
const LATIN = [
  "anna", "ivan", "maria", "dmitry", "katya", "alexey", "olga", "sergey", "natasha", "andrey",
  "julia", "pavel", "elena", "misha", "tanya", "nikita", "ksenia", "artem", "dasha", "max",
];
const LAST_NAMES = ["Иванов", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева", "Козлов", "Новикова", null, null];
const STREAMS = ["3rd_stream", "4th_stream", "5th_stream", "6th_stream", "7th_stream", "8th_stream", "mentoring"];
const REFERRALS: Array<[string, number]> = [["FRIEND10", 10], ["VIBE15", 15], ["BLACKFRIDAY", 20], ["ALUMNI5", 5]];
// 0 new, 1 pending, 2 confirmed, -1 cancelled — roughly how a live service looks.
const STATUS_WEIGHTS: Array<[BookingStatus, number]> = [[0, 0.2], [1, 0.15], [2, 0.5], [-1, 0.15]];

export const DEMO_COURSES = [
  { id: 1, name: "Вайб кодинг", price: 29_900, start: "1 декабря" },
  { id: 2, name: "AI-агенты на TypeScript", price: 39_900, start: "15 января" },
  { id: 3, name: "Промпт-инжиниринг для команд", price: 19_900, start: "по готовности группы" },
];

export type SeedOptions = {
  bookings: number;
  /** How many students (users rows) share them; about one per 1.5 bookings unless told. */
  students?: number;
  seed?: number;
  now?: Date;
  days?: number;
  batchSize?: number;
};

/**
 * Fills a database with demo data: the courses above, about one student per 1.5 bookings (or `students`),
 * and bookings in every status spread over the last `days` days. Bulk inserts go through
 * `unnest` of arrays, one statement per batch, so a million rows take seconds, not minutes.
 */
export async function seedDemoData(database: Database, options: SeedOptions): Promise<{ bookings: number; students: number }> {
  const rand = random(options.seed ?? 42);
  const now = (options.now ?? new Date()).getTime();
  const spanMs = (options.days ?? 180) * 86_400_000;
  const batchSize = options.batchSize ?? 20_000;
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const status = (): BookingStatus => {
    let r = rand();
    for (const [s, w] of STATUS_WEIGHTS) if ((r -= w) < 0) return s;
    return 2;
  };

  for (const c of DEMO_COURSES) {
    await database.query(
      `INSERT INTO courses (id, name, description, price_usd_cents, button_text, is_active, start_date_text)
       VALUES ($1, $2, $3, $4, $5, true, $6) ON CONFLICT (id) DO NOTHING`,
      [c.id, c.name, `Курс «${c.name}»`, c.price, c.name, c.start],
    );
  }
  await database.query(`SELECT setval(pg_get_serial_sequence('courses', 'id'), (SELECT max(id) FROM courses))`);
  // Something for students to book right away: two open streams with start dates, and the
  // referral codes the demo bookings use (a `/start FRIEND10` link gives 10% off).
  await database.query(
    `UPDATE streams SET is_open = true, starts_at = $1 WHERE code = '8th_stream' AND starts_at IS NULL`,
    [new Date(now + 10 * 86_400_000)],
  );
  await database.query(
    `UPDATE streams SET is_open = true, starts_at = $1 WHERE code = 'mentoring' AND starts_at IS NULL`,
    [new Date(now + 40 * 86_400_000)],
  );
  for (const [code, discount] of REFERRALS) {
    await database.query(
      `INSERT INTO referral_coupons (code, name, discount_percent, max_activations, created_by) VALUES ($1, 'demo', $2, 1000, 0)
       ON CONFLICT (code) DO NOTHING`,
      [code, discount],
    );
  }

  const [{ base } = { base: 0 }] = await database.query<{ base: string | number }>(
    `SELECT coalesce(max(user_id), 7000000000) AS base FROM users`,
  );
  const firstUserId = Number(base) + 1;
  const studentCount = Math.max(1, options.students ?? Math.ceil(options.bookings / 1.5));
  const students = Array.from({ length: studentCount }, (_, i) => {
    const n = Math.floor(rand() * FIRST_NAMES.length);
    const hasUsername = rand() > 0.1;
    return {
      userId: firstUserId + i,
      firstName: FIRST_NAMES[n]!,
      lastName: pick(LAST_NAMES),
      username: hasUsername ? `${LATIN[n]}_${(firstUserId + i) % 100_000}` : null,
      firstSeen: now - spanMs - Math.floor(rand() * 30 * 86_400_000),
    };
  });

  for (let i = 0; i < students.length; i += batchSize) {
    const batch = students.slice(i, i + batchSize);
    await database.query(
      `INSERT INTO users (user_id, username, first_name, last_name, language_code, first_seen_at, updated_at)
       SELECT u, n, f, l, 'ru', s, s FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS t(u, n, f, l, s)
       ON CONFLICT (user_id) DO NOTHING`,
      [batch.map((s) => s.userId), batch.map((s) => s.username), batch.map((s) => s.firstName), batch.map((s) => s.lastName), batch.map((s) => new Date(s.firstSeen))],
    );
  }

  // One live booking per student, course and stream (as the bot books): a repeat pick becomes
  // a cancelled booking, as happens when a student re-books after cancelling.
  const live = new Set<string>();
  for (let done = 0; done < options.bookings; done += batchSize) {
    const size = Math.min(batchSize, options.bookings - done);
    const cols = { user: [] as number[], username: [] as (string | null)[], name: [] as string[], course: [] as number[], stream: [] as string[], status: [] as number[], at: [] as Date[], code: [] as (string | null)[], discount: [] as number[] };
    for (let k = 0; k < size; k++) {
      const s = pick(students);
      const referral = rand() < 0.25 ? pick(REFERRALS) : undefined;
      const course = rand() < 0.7 ? 1 : pick(DEMO_COURSES).id;
      const stream = pick(STREAMS);
      let bookingStatus = status();
      const key = `${s.userId}:${course}:${stream}`;
      if (bookingStatus !== -1 && live.has(key)) bookingStatus = -1;
      else if (bookingStatus !== -1) live.add(key);
      cols.user.push(s.userId);
      cols.username.push(s.username);
      cols.name.push(s.firstName);
      cols.course.push(course);
      cols.stream.push(stream);
      cols.status.push(bookingStatus);
      cols.at.push(new Date(now - Math.floor(rand() * spanMs)));
      cols.code.push(referral?.[0] ?? null);
      cols.discount.push(referral?.[1] ?? 0);
    }
    await database.query(
      `INSERT INTO bookings (user_id, username, first_name, course_id, course_stream, confirmed, created_at, referral_code, discount_percent)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::varchar[], $6::int[], $7::timestamptz[], $8::text[], $9::int[])`,
      [cols.user, cols.username, cols.name, cols.course, cols.stream, cols.status, cols.at, cols.code, cols.discount],
    );
  }
  return { bookings: options.bookings, students: studentCount };
}
