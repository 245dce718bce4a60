import { isDatabaseUnavailable } from "../db/errors";
import type { Db } from "../db/client";
import { listBookingsPage } from "../db/queries/bookings";
import { toBookingJson } from "./booking-json";
import { packCursor, parseBookingsParams } from "./bookings-params";
import { errorReply, type Route } from "./reply";

export const BOOKINGS_PATH = "/api/bookings";

/**
 * `GET /api/bookings`: a bare array, newest first, as the seed's dashboard expects; the way on
 * lives in headers (`X-Next-Cursor`, `Link: rel="next"`), absent on the last page.
 */
export function bookingsRoute(db: Db): Route {
  return async (url, log) => {
    const parsed = parseBookingsParams(url.searchParams);
    if (!parsed.ok) return errorReply(400, parsed.error);
    const { limit, status, before } = parsed.params;

    let page;
    try {
      page = await listBookingsPage(db, { status }, before === undefined ? { dir: "first" } : { dir: "older", id: before }, limit);
    } catch (err) {
      log.error({ err, databaseUnavailable: isDatabaseUnavailable(err) }, "bookings query failed");
      return errorReply(500, "Failed to fetch bookings");
    }
    // Asked for rows older than a booking, listBookingsPage restarts from the newest when there
    // are none (or the booking does not exist); a script walking the cursors must stop instead.
    if (before !== undefined && page.isFirst) return { status: 200, body: [] };

    const headers: Record<string, string> = {};
    const last = page.rows.at(-1);
    if (page.hasOlder && last) {
      const cursor = packCursor(last.id);
      const next = new URLSearchParams({ limit: String(limit) });
      const statusParam = url.searchParams.get("status");
      if (statusParam !== null) next.set("status", statusParam);
      next.set("before", cursor);
      headers["X-Next-Cursor"] = cursor;
      headers["Link"] = `<${BOOKINGS_PATH}?${next}>; rel="next"`;
    }
    return { status: 200, body: page.rows.map(toBookingJson), headers };
  };
}
