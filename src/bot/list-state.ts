import type { BookingScope, PageAnchor } from "../db/queries/bookings";
import type { BookingStatus } from "../db/schema";

/** The filter buttons, in the order they appear. */
export const FILTERS = ["all", 0, 1, 2, -1] as const;
export type Filter = (typeof FILTERS)[number];

/**
 * Everything a list message shows, small enough to ride in a button's callback data: whose
 * bookings, which status, where the page starts, and how many rows come before it.
 */
export type ListState = {
  userId?: number;
  filter: Filter;
  anchor: PageAnchor;
  /** Rows before this page, for "21–40 of 1,234". */
  offset: number;
};

export const firstPageOf = (filter: Filter, userId?: number): ListState => ({
  ...(userId === undefined ? {} : { userId }),
  filter,
  anchor: { dir: "first" },
  offset: 0,
});

export function scopeOf(state: ListState): BookingScope {
  return {
    ...(state.userId === undefined ? {} : { userId: state.userId }),
    ...(state.filter === "all" ? {} : { status: state.filter as BookingStatus }),
  };
}
