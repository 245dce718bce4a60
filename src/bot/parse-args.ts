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

/** Longest name search: Telegram's first and last names are at most 64 characters each. */
export const MAX_QUERY_LENGTH = 64;

/**
 * What `/user <text>` asks for: an id, an exact `@username` (as before name search existed), or
 * the words of a name search; or why it is none of them.
 */
export type StudentQuery =
  | { kind: "id"; userId: number }
  | { kind: "username"; username: string }
  | { kind: "name"; words: string[] }
  | { kind: "bad"; problem: "no-letters" | "too-long" };

/**
 * Digits are an id and `@name` an exact username, as they always were; any other text is a
 * name search. A bare Latin word is searched too (an exact username then ranks first), so
 * `/user iva` finds `@ivan_petrov`. Words are split on spaces and commas, a leading "@" is
 * dropped, and a word without a letter or digit ("-", "%") is left out: it says nothing about whom to find.
 */
export function parseStudentQuery(arg: string): StudentQuery {
  const text = arg.trim();
  const ref = parseStudentRef(text);
  if (ref && "userId" in ref) return { kind: "id", userId: ref.userId };
  if (ref && text.startsWith("@")) return { kind: "username", username: ref.username };
  const words = text
    // Control characters (which Telegram's clients never send) separate words like spaces do.
    .split(/[\s,;\p{Cc}]+/u)
    .map((word) => word.replace(/^@+/, ""))
    .filter((word) => /[\p{L}\p{N}]/u.test(word));
  if (words.length === 0) return { kind: "bad", problem: "no-letters" };
  if (words.join(" ").length > MAX_QUERY_LENGTH) return { kind: "bad", problem: "too-long" };
  return { kind: "name", words };
}

/** Booking ids are PostgreSQL `serial`s: 1 … 2^31-1. */
export function parseBookingId(arg: string): number | undefined {
  const text = arg.trim().replace(/^#/, "");
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const id = Number(text);
  return id >= 1 && id <= 2_147_483_647 ? id : undefined;
}
