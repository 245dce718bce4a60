import type { Message } from "grammy/types";
import type { Database } from "../src/db/client";

/**
 * What a list page must show, straight from the table in plain SQL (not through the query
 * layer the bot uses), so that a timed press counts only if it showed the right bookings.
 */
export type Scope = { status?: number; userId?: number };

function where(scope: Scope, params: unknown[]): string {
  const conditions: string[] = [];
  if (scope.status !== undefined) conditions.push(`confirmed = $${params.push(scope.status)}`);
  if (scope.userId !== undefined) conditions.push(`user_id = $${params.push(scope.userId)}`);
  return conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
}

/** Ids of `limit` rows from row `offset` on, newest first. */
export async function pageIds(database: Database, scope: Scope, offset: number, limit: number): Promise<number[]> {
  const params: unknown[] = [];
  const rows = await database.query<{ id: number }>(
    `SELECT id FROM bookings ${where(scope, params)} ORDER BY created_at DESC, id DESC OFFSET $${params.push(offset)} LIMIT $${params.push(limit)}`,
    params,
  );
  return rows.map((r) => Number(r.id));
}

/** For each page, the id of the last row of the page before it: the anchor a "Старше ▶" press to it carries. */
export async function anchorsBefore(database: Database, pages: number[], pageSize: number, scope: Scope = {}): Promise<Map<number, number>> {
  const params: unknown[] = [];
  const filter = where(scope, params);
  const positions = pages.map((p) => (p - 1) * pageSize);
  const rows = await database.query<{ id: number; n: number }>(
    `SELECT id, n FROM (SELECT id, row_number() OVER (ORDER BY created_at DESC, id DESC) AS n FROM bookings ${filter}) AS ordered
     WHERE n = ANY($${params.push(positions)}::bigint[])`,
    params,
  );
  const byPosition = new Map(rows.map((r) => [Number(r.n), Number(r.id)]));
  return new Map(
    pages.map((p) => {
      const id = byPosition.get((p - 1) * pageSize);
      if (id === undefined) throw new Error(`no row before page ${p}`);
      return [p, id];
    }),
  );
}

/**
 * `count` distinct pages ending at `page`, spread over the tenth of the list before it (at
 * least `count` pages wide), deepest first: percentiles of "page N" then come from as many
 * anchors as samples, not from one anchor the server has just cached.
 */
export function pagesNear(page: number, count: number): number[] {
  const span = Math.min(page - 2, Math.max(count - 1, Math.floor(page / 10)));
  const n = Math.min(count, span + 1);
  return Array.from({ length: n }, (_, i) => page - Math.round((i * span) / Math.max(1, n - 1)));
}

const digits = (s: string) => Number(s.replace(/\D/g, ""));

/**
 * Throws unless the message shows exactly these bookings (by their `/b<id>` commands, in order)
 * and says so in its position line ("· 981–1 000 из …"), which the bot writes in the admin's
 * locale's digits.
 */
export function checkPage(message: Message, expected: number[], offset: number, what: string): void {
  const text = message.text ?? "";
  const shown = [...text.matchAll(/\/b(\d+)/g)].map((m) => Number(m[1]));
  const position = /· ([\d\s.,  ]+)–([\d\s.,  ]+) из/.exec(text);
  const at = position ? [digits(position[1]!), digits(position[2]!)] : [];
  if (expected.length === 0 || shown.join() !== expected.join() || at[0] !== offset + 1 || at[1] !== offset + expected.length) {
    throw new Error(`${what}: expected rows ${offset + 1}–${offset + expected.length} (/b${expected[0]} …), the bot showed:\n${text.slice(0, 500)}`);
  }
}

/** Throws unless the message is the card of this booking. */
export function checkCard(message: Message, id: number): void {
  if (!(message.text ?? "").includes(`Заявка #${id}<`)) throw new Error(`/booking ${id}: the bot showed:\n${(message.text ?? "").slice(0, 300)}`);
}
