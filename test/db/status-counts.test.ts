import { afterAll, beforeAll, expect, it } from "vitest";
import { countBookingsByStatus } from "../../src/db/queries/bookings";
import { createTestDatabase, rawExec, rawQuery, type TestDatabase } from "../helpers/db";
import { addBookings, addCourse } from "../helpers/fixtures";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await addCourse(database.db);
});
afterAll(() => database?.dispose());

/** The truth, counted the slow way: every booking, or one student's. */
async function scanned(userId?: number) {
  const rows =
    userId === undefined
      ? await rawQuery(database, "SELECT confirmed AS s, count(*)::int AS n FROM bookings GROUP BY confirmed")
      : await rawQuery(database, "SELECT confirmed AS s, count(*)::int AS n FROM bookings WHERE user_id = $1 GROUP BY confirmed", [userId]);
  const counts = { all: 0, 0: 0, 1: 0, 2: 0, [-1]: 0 } as Record<string, number>;
  for (const r of rows) {
    counts[String(r.s)] = Number(r.n);
    counts.all! += Number(r.n);
  }
  return counts;
}

it("stays equal to a full count through inserts, updates, deletes and truncation", async () => {
  expect(await countBookingsByStatus(database.db, {})).toEqual({ all: 0, 0: 0, 1: 0, 2: 0, [-1]: 0 });
  await addBookings(database.db, Array.from({ length: 50 }, (_, i) => ({ confirmed: ([0, 1, 2, -1] as const)[i % 4] })));
  expect(await countBookingsByStatus(database.db, {})).toEqual(await scanned());

  await rawExec(database, "UPDATE bookings SET confirmed = 2 WHERE confirmed = 1 AND id % 3 = 0");
  await rawExec(database, "UPDATE bookings SET username = 'x'"); // no status change: no net change
  await rawExec(database, "DELETE FROM bookings WHERE id % 5 = 0 AND confirmed = -1");
  expect(await countBookingsByStatus(database.db, {})).toEqual(await scanned());

  await rawExec(database, "TRUNCATE bookings CASCADE");
  expect(await countBookingsByStatus(database.db, {})).toEqual({ all: 0, 0: 0, 1: 0, 2: 0, [-1]: 0 });
  await addBookings(database.db, [{ confirmed: 2 }, { confirmed: 0 }]);
  expect(await countBookingsByStatus(database.db, {})).toEqual({ all: 2, 0: 1, 1: 0, 2: 1, [-1]: 0 });
});

it("a rolled-back change leaves the counts as they were", async () => {
  const before = await countBookingsByStatus(database.db, {});
  await expect(
    database.db.transaction(async (tx) => {
      await addBookings(tx, [{ confirmed: 1 }]);
      throw new Error("roll back");
    }),
  ).rejects.toThrow("roll back");
  expect(await countBookingsByStatus(database.db, {})).toEqual(before);
});

it("each student's counts stay equal to a full count through the real system's writes", async () => {
  const students = [71_001, 71_002, 71_003];
  const check = async () => {
    for (const id of students) expect(await countBookingsByStatus(database.db, { userId: id }), `student ${id}`).toEqual(await scanned(id));
  };
  await addBookings(database.db, Array.from({ length: 60 }, (_, i) => ({ userId: students[i % 3]!, confirmed: ([0, 1, 2, -1] as const)[i % 4] })));
  await check();
  // The real bot's status change, the dashboard's edits (a booking moved to another student, a bulk stream move), deletes.
  await rawExec(database, "UPDATE bookings SET confirmed = 2 WHERE id = (SELECT min(id) FROM bookings WHERE confirmed = 0)");
  await rawExec(database, `UPDATE bookings SET user_id = ${students[2]} WHERE id IN (SELECT id FROM bookings WHERE user_id = ${students[0]} LIMIT 3)`);
  await rawExec(database, "UPDATE bookings SET course_stream = '9th_stream'");
  await rawExec(database, `DELETE FROM bookings WHERE user_id = ${students[1]} AND confirmed = -1`);
  await rawExec(database, `INSERT INTO bookings (user_id, username, first_name, course_id, referral_code, discount_percent, course_stream) VALUES (${students[1]}, 'b', 'B', 1, NULL, 0, '4th_stream')`);
  await check();
  await rawExec(database, "TRUNCATE bookings CASCADE");
  await check();
  expect(await rawQuery(database, "SELECT count(*)::int AS n FROM student_status_counts")).toEqual([{ n: 0 }]);
});
