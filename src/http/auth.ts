import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * A checker for `Authorization: Bearer <token>`. Both sides are hashed first, so the comparison
 * takes the same time whatever the length or the first wrong character of a guess.
 */
export function bearerChecker(token: string): (header: string | undefined) => boolean {
  const expected = digest(token);
  return (header) => {
    const given = /^Bearer +(\S+) *$/i.exec(header ?? "")?.[1];
    return timingSafeEqual(digest(given ?? ""), expected) && given !== undefined;
  };
}
