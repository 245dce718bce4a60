import type { StudentRef } from "../db/queries/students";
import type { Filter } from "./list-state";

const FILTER_WORDS: Record<string, Filter> = {
  all: "all",
  new: 0,
  pending: 1,
  confirmed: 2,
  cancelled: -1,
  canceled: -1,
  все: "all",
  новые: 0,
  ожидание: 1,
  подтверждённые: 2,
  подтвержденные: 2,
  отменённые: -1,
  отмененные: -1,
};

/** `/bookings [filter]`: empty means all; an unknown word is `undefined`. */
export function parseFilterArg(arg: string): Filter | undefined {
  const word = arg.trim().toLowerCase();
  if (word === "") return "all";
  return Object.hasOwn(FILTER_WORDS, word) ? FILTER_WORDS[word] : undefined;
}

/** A Telegram user id or username, as an admin would type it. */
export function parseStudentRef(arg: string): StudentRef | undefined {
  const text = arg.trim();
  if (/^\d{1,16}$/.test(text)) {
    const userId = Number(text);
    return Number.isSafeInteger(userId) && userId > 0 ? { userId } : undefined;
  }
  // Telegram usernames start with a letter, so a long run of digits is never one.
  const username = /^@?([A-Za-z][A-Za-z0-9_]{0,31})$/.exec(text)?.[1];
  return username ? { username } : undefined;
}

/** Booking ids are PostgreSQL `serial`s: 1 … 2^31-1. */
export function parseBookingId(arg: string): number | undefined {
  const text = arg.trim().replace(/^#/, "");
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const id = Number(text);
  return id >= 1 && id <= 2_147_483_647 ? id : undefined;
}
