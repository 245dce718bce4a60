import type { BookingStatus } from "../db/schema";

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 500;

/** The seed's names and the stored codes (`bookings.confirmed`) are both accepted. */
const STATUSES = new Map<string, BookingStatus>([
  ["new", 0],
  ["pending", 1],
  ["confirmed", 2],
  ["cancelled", -1],
  ["0", 0],
  ["1", 1],
  ["2", 2],
  ["-1", -1],
]);

export type BookingsParams = { limit: number; status?: BookingStatus; before?: number };

export type ParsedParams = { ok: true; params: BookingsParams } | { ok: false; error: string };

// `bookings.id` is a PostgreSQL serial (int4).
const MAX_SERIAL = 2_147_483_647;
// As `toString(36)` writes a positive number: one spelling per id, so a cursor cannot be forged
// into something the API never handed out (leading zeros, capitals, signs).
const CURSOR = /^[1-9a-z][0-9a-z]{0,5}$/;

/** The cursor of the page after `lastId`: the last booking's id in base 36, as the bot's buttons carry it. */
export const packCursor = (lastId: number): string => lastId.toString(36);

export function parseCursor(cursor: string): number | undefined {
  if (!CURSOR.test(cursor)) return undefined;
  const id = parseInt(cursor, 36);
  return id <= MAX_SERIAL ? id : undefined;
}

/** Reads `limit`, `status` and `before`; other parameters are ignored, as the seed ignored them. */
export function parseBookingsParams(query: URLSearchParams): ParsedParams {
  for (const name of ["limit", "status", "before"]) {
    if (query.getAll(name).length > 1) return { ok: false, error: `${name} is given more than once` };
  }
  const params: BookingsParams = { limit: DEFAULT_LIMIT };

  const limit = query.get("limit");
  if (limit !== null) {
    const n = /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!(n >= 1 && n <= MAX_LIMIT)) return { ok: false, error: `limit must be a whole number from 1 to ${MAX_LIMIT}` };
    params.limit = n;
  }

  const status = query.get("status");
  if (status !== null) {
    params.status = STATUSES.get(status);
    if (params.status === undefined) return { ok: false, error: `status must be one of ${[...STATUSES.keys()].join(", ")}` };
  }

  const before = query.get("before");
  if (before !== null) {
    const id = parseCursor(before);
    if (id === undefined) return { ok: false, error: "before must be the X-Next-Cursor of a previous page" };
    params.before = id;
  }
  return { ok: true, params };
}
