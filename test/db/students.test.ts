import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client";
import { findStudent } from "../../src/db/queries/students";
import { createTestDatabase, rawQuery, type TestDatabase } from "../helpers/db";
import { addBookings, addCourse, addUser, BASE_TIME } from "../helpers/fixtures";

let database: TestDatabase;
let db: Db;

const at = (minutes: number) => new Date(BASE_TIME.getTime() + minutes * 60_000);

// Known to `users` and booked under an older name.
const IVAN = 1001;
// Only in bookings (the real system's older rows): renamed twice, newest booking says "NewNick".
const OLGA = 1002;
// Known to `users`, never booked.
const PETR = 1003;
// In `users` with nothing but an id, so bookings fill the gaps.
const BARE = 1004;
// Two bookings at the same instant: the higher id is the newer one.
const TWIN = 1005;
// A Telegram id above 2^32 (bigint column).
const BIG = 7_000_000_001;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await addCourse(db);
  await addUser(db, {
    userId: IVAN,
    username: "IvanPetrov",
    firstName: "Иван",
    lastName: "Петров",
    languageCode: "ru",
    firstSeenAt: at(-500),
    updatedAt: at(-10),
  });
  await addUser(db, { userId: PETR, username: "petr_k", firstName: "Пётр", lastName: null, firstSeenAt: at(-50) });
  await addUser(db, { userId: BARE, username: null, firstName: null, lastName: null, firstSeenAt: null });
  await addBookings(db, [
    { userId: IVAN, username: "ivan_old", firstName: "Ваня", createdAt: at(1) },
    { userId: OLGA, username: "olga_first", firstName: "Оля", createdAt: at(10) },
    { userId: OLGA, username: "NewNick", firstName: "Ольга", createdAt: at(30) },
    { userId: OLGA, username: "olga_middle", firstName: "Ольга С.", createdAt: at(20) },
    { userId: BARE, username: "bare_user", firstName: "Голый", createdAt: at(5) },
    { userId: BARE, username: "bare_user", firstName: "Голый", createdAt: at(3) },
    { userId: TWIN, username: "twin_a", firstName: "A", createdAt: at(7) },
    { userId: TWIN, username: "twin_b", firstName: "B", createdAt: at(7) },
    { userId: BIG, username: "Big_One", firstName: "Big", createdAt: at(8) },
  ]);
});
afterAll(() => database.dispose());

/** A student as findStudent describes one without a last name, first seen at minute `seen`. */
const known = (userId: number, username: string, firstName: string, seen: number) => ({ userId, username, firstName, lastName: null, firstSeenAt: at(seen) });

describe("findStudent", () => {
  it("finds a users row by id, with every field from users", async () => {
    expect(await findStudent(db, { userId: IVAN })).toEqual({
      userId: IVAN,
      username: "IvanPetrov",
      firstName: "Иван",
      lastName: "Петров",
      firstSeenAt: at(-500),
    });
  });

  it.each(["IvanPetrov", "ivanpetrov", "IVANPETROV", "@IvanPetrov", "@ivanPETROV"])(
    "finds by username %s, ignoring case and '@'",
    async (username) => {
      expect(await findStudent(db, { username })).toMatchObject({ userId: IVAN, username: "IvanPetrov" });
    },
  );

  it("lets the users row win over bookings for names", async () => {
    // The booking still says "ivan_old" / "Ваня"; the users row is fresher.
    expect(await findStudent(db, { username: "@Ivan_Old" })).toMatchObject({ userId: IVAN, username: "IvanPetrov", firstName: "Иван" });
  });

  it("describes a student known only from bookings by the newest booking", async () => {
    expect(await findStudent(db, { userId: OLGA })).toEqual(known(OLGA, "NewNick", "Ольга", 10));
  });

  it.each(["olga_first", "@OLGA_MIDDLE", "newnick", "@NewNick"])("finds that student by any booked username (%s)", async (username) => {
    expect(await findStudent(db, { username })).toMatchObject({ userId: OLGA, username: "NewNick", firstSeenAt: at(10) });
  });

  it("takes firstSeenAt from the oldest booking, whatever the insertion order", async () => {
    await rawQuery(
      database,
      "INSERT INTO bookings (user_id, username, first_name, course_id, created_at) VALUES ($1, 'micro', 'M', 1, '2026-11-01 09:00:00.004+00'), ($1, 'micro', 'M', 1, '2026-11-01 09:00:00.002+00')",
      [1006],
    );
    const student = await findStudent(db, { userId: 1006 });
    expect(student?.firstSeenAt?.toISOString()).toBe("2026-11-01T09:00:00.002Z");
  });

  it("breaks a tie between bookings at the same instant by the newer id", async () => {
    expect(await findStudent(db, { userId: TWIN })).toMatchObject({ username: "twin_b", firstName: "B", firstSeenAt: at(7) });
  });

  it("fills what the users row lacks from bookings", async () => {
    expect(await findStudent(db, { userId: BARE })).toEqual(known(BARE, "bare_user", "Голый", 3));
    expect(await findStudent(db, { username: "Bare_User" })).toMatchObject({ userId: BARE });
  });

  it("finds a users row that has no bookings, by id and by username", async () => {
    const petr = { userId: PETR, username: "petr_k", firstName: "Пётр", lastName: null, firstSeenAt: at(-50) };
    expect(await findStudent(db, { userId: PETR })).toEqual(petr);
    expect(await findStudent(db, { username: "@Petr_K" })).toEqual(petr);
  });

  it("handles Telegram ids beyond 32 bits", async () => {
    expect(await findStudent(db, { userId: BIG })).toMatchObject({ userId: BIG, username: "Big_One" });
    expect(await findStudent(db, { username: "big_one" })).toMatchObject({ userId: BIG });
  });

  it("returns undefined for an unknown id or username", async () => {
    expect(await findStudent(db, { userId: 999_999 })).toBeUndefined();
    expect(await findStudent(db, { username: "nobody" })).toBeUndefined();
    expect(await findStudent(db, { username: "@nobody" })).toBeUndefined();
  });

  it("does not treat LIKE wildcards in a username as patterns", async () => {
    expect(await findStudent(db, { username: "ivan%" })).toBeUndefined();
    expect(await findStudent(db, { username: "olga_firs_" })).toBeUndefined();
  });
});
