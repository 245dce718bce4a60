import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMigrations } from "../../src/db/migrate";
import { createTestDatabase, rawQuery, type TestDatabase } from "../helpers/db";

describe("migrations", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.dispose());

  it("creates the tables and fills stream titles", async () => {
    const rows = await rawQuery(database, "SELECT code, title FROM streams ORDER BY code");
    expect(rows).toContainEqual({ code: "3rd_stream", title: "3-й поток" });
    expect(rows).toContainEqual({ code: "mentoring", title: "Менторинг" });
  });

  it("can run again without changing anything", async () => {
    await runMigrations(database);
    const rows = await rawQuery(database, "SELECT count(*)::int AS n FROM streams");
    expect(rows[0]).toEqual({ n: 7 });
  });
});
