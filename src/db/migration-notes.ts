import { asc, sql } from "drizzle-orm";
import type { Db } from "./client";
import type { Logger } from "../logger";
import { migrationNotes } from "./schema";

/** What a migration skipped, degraded or found in the real system's rows, in plain words. */
export type Note = {
  key: string;
  level: "warning" | "info";
  count: number;
  detail: string | null;
  message: string;
  advice: string | null;
};

type NoteText = (count: number, detail: string | null) => { message: string; advice?: string };

/** English, for logs and `db:check`; /health says the same in the admin's language (i18n `health.note`). */
const TEXTS: Record<string, NoteText> = {
  "referral-codes-not-moved": (n, codes) => ({
    message: `${n} code(s) of the old referral_codes table were not moved: referral_coupons already has a coupon with that code (${codes ?? "?"})`,
    advice: "check those coupons' discount and activations; the old table is gone",
  }),
  "bookings-unknown-status": (n) => ({
    message: `${n} booking(s) have a status other than -1, 0, 1, 2`,
    advice: "they show under \"All\" only; set their status in the dashboard",
  }),
  "bookings-dated-1970": (n) => ({
    message: `${n} booking(s) had no creation date; they are dated 01.01.1970 and listed last`,
  }),
  "bookings-unknown-course": (n) => ({
    message: `${n} booking(s) point at a course that does not exist; they show as "Course #<id>"`,
  }),
  "search-without-trigram-index": (_n, reason) => ({
    message: `pg_trgm could not be created (${reason ?? "?"}): /user <name> reads the whole users table (same answers, slower on a large one)`,
    advice: "run CREATE EXTENSION pg_trgm as a superuser or the database owner; the next start builds the search index",
  }),
  "duplicate-live-bookings": (n) => ({
    message: `${n} student(s) hold more than one live booking in one course stream (made outside this bot)`,
    advice: "find them with /user and cancel the extra ones; this bot never adds such a booking",
  }),
};

export function describeNote(row: { key: string; count: number; detail: string | null }): { message: string; advice: string | null } {
  const text = TEXTS[row.key]?.(row.count, row.detail) ?? { message: `${row.key}: ${row.count}${row.detail ? ` (${row.detail})` : ""}` };
  return { message: text.message, advice: text.advice ?? null };
}

/** Warnings first. A database whose migrations predate the table has none to tell. */
export async function listMigrationNotes(db: Db): Promise<Note[]> {
  const [table] = ((await db.execute(sql`SELECT to_regclass('migration_notes') IS NOT NULL AS present`)) as unknown as { rows: Array<{ present: boolean }> }).rows;
  if (!table?.present) return [];
  const rows = await db.select().from(migrationNotes).orderBy(sql`${migrationNotes.level} = 'warning' DESC`, asc(migrationNotes.key));
  return rows.map((r) => ({ key: r.key, level: r.level, count: r.count, detail: r.detail, ...describeNote(r) }));
}

/** The start log's account of them, one line each. */
export async function logMigrationNotes(db: Db, logger: Pick<Logger, "warn" | "info">): Promise<void> {
  for (const note of await listMigrationNotes(db)) {
    const line = [note.message, note.advice].filter(Boolean).join(" — ");
    if (note.level === "warning") logger.warn({ note: note.key, count: note.count }, line);
    else logger.info({ note: note.key, count: note.count }, line);
  }
}
