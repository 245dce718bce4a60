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

/** The truth, counted the slow way. */
async function scanned() {
  const rows = await rawQuery(database, "SELECT confirmed AS s, count(*)::int AS n FROM bookings GROUP BY confirmed");
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
