import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemoData } from "../../src/db/seed";
import { createTestDatabase, rawQuery, type TestDatabase } from "../helpers/db";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.dispose());

it("fills every status, keeps one live booking per student and stream, and can run twice", async () => {
  await seedDemoData(database, { bookings: 3000, seed: 7 });
  await seedDemoData(database, { bookings: 500, seed: 8 });
  const [counts] = await rawQuery(
    database,
    `SELECT count(*)::int AS total, count(DISTINCT confirmed)::int AS statuses,
            count(*) FILTER (WHERE referral_code IS NOT NULL)::int AS with_code FROM bookings`,
  );
  expect(counts).toMatchObject({ total: 3500, statuses: 4 });
  expect(Number(counts!.with_code)).toBeGreaterThan(0);
  expect(await rawQuery(database, "SELECT count(*)::int AS n FROM courses")).toEqual([{ n: 3 }]);
});
