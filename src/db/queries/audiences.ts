import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { rawRows } from "../raw";
import type { Audience } from "../schema";

/**
 * The students of an audience as `(user_id, username)` rows, once each, blocked ones included
 * (callers join `blocked_users`). A username comes from the row that names the student best
 * there: their newest booking, their `users` row, their newest registration.
 */
export function audienceRows(audience: Audience): SQL {
  switch (audience.kind) {
    case "bookings": {
      const where: SQL[] = [sql`true`];
      if (audience.status !== "any") where.push(sql`confirmed = ${audience.status}`);
      if (audience.courseId !== undefined) where.push(sql`course_id = ${audience.courseId}`);
      if (audience.stream !== undefined) where.push(sql`course_stream = ${audience.stream}`);
      return sql`SELECT DISTINCT ON (user_id) user_id, username FROM bookings WHERE ${sql.join(where, sql` AND `)} ORDER BY user_id, created_at DESC`;
    }
    case "started":
      // Everyone a bot has seen: `users` (each /start), and students whose bookings predate it.
      return sql`SELECT user_id, username FROM users
        UNION ALL (SELECT DISTINCT ON (b.user_id) b.user_id, b.username FROM bookings b
          WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = b.user_id) ORDER BY b.user_id, b.created_at DESC)`;
    case "never_booked":
      return sql`SELECT u.user_id, u.username FROM users u WHERE NOT EXISTS (SELECT 1 FROM bookings b WHERE b.user_id = u.user_id)`;
    case "lesson":
      return sql`SELECT DISTINCT ON (user_id) user_id, username FROM free_lesson_registrations
        WHERE lesson_type IS NOT DISTINCT FROM ${audience.lessonType}::varchar AND lesson_date IS NOT DISTINCT FROM ${audience.lessonDate}::date
        ORDER BY user_id, id DESC`;
    case "picked": {
      const ids = `{${audience.userIds.filter(Number.isSafeInteger).join(",")}}`;
      return sql`SELECT p.user_id, coalesce(
          (SELECT u.username FROM users u WHERE u.user_id = p.user_id),
          (SELECT b.username FROM bookings b WHERE b.user_id = p.user_id ORDER BY b.created_at DESC LIMIT 1)) AS username
        FROM (SELECT DISTINCT unnest(${ids}::bigint[]) AS user_id) p`;
    }
  }
}

/** How many students the audience reaches, and how many it leaves out as blocked (blocked_users). */
export async function countAudience(db: Db, audience: Audience): Promise<{ recipients: number; unreachable: number }> {
  const [row] = await rawRows<{ recipients: number; unreachable: number }>(db, sql`
    SELECT count(*) FILTER (WHERE x.user_id IS NULL)::int AS recipients, count(*) FILTER (WHERE x.user_id IS NOT NULL)::int AS unreachable
    FROM (${audienceRows(audience)}) a LEFT JOIN blocked_users x ON x.user_id = a.user_id`);
  return { recipients: row?.recipients ?? 0, unreachable: row?.unreachable ?? 0 };
}

/**
 * How the dashboard's history names it: `individual` (students chosen one by one) or `group`,
 * and which group (its varchar(50)).
 */
export function describeAudience(audience: Audience): { recipientType: "individual" | "group"; recipientGroup: string | null } {
  const group = (() => {
    switch (audience.kind) {
      case "bookings":
        return [
          audience.status === "any" ? "bookings" : `status:${audience.status}`,
          audience.courseId !== undefined ? `course:${audience.courseId}` : undefined,
          audience.stream !== undefined ? `stream:${audience.stream}` : undefined,
        ]
          .filter(Boolean)
          .join(",");
      case "started":
        return "started";
      case "never_booked":
        return "never_booked";
      case "lesson":
        return `lesson:${audience.lessonType ?? ""}:${audience.lessonDate ?? ""}`;
      case "picked":
        return null;
    }
  })();
  return { recipientType: audience.kind === "picked" ? "individual" : "group", recipientGroup: group === null ? null : group.slice(0, 50) };
}
