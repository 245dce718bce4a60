import { afterAll, beforeAll } from "vitest";
import type { Db } from "../../src/db/client";
import { createTestDatabase, unreachableDatabase, type TestDatabase } from "./db";
import { lateBound } from "./late-bound";

type Closable = { close(): Promise<unknown> };

export type DatabaseFixtureOptions = {
  /** As createTestDatabase: `false` for an empty database, migrations not applied. */
  migrate?: boolean;
  /** The file's own rows, written before `start`. */
  seed?: (database: TestDatabase) => Promise<unknown>;
};

/**
 * The set-up the database test files share, for the file or a describe: before their tests a
 * fresh database, the `seed`, and `start(database)`, what is under test running on it (the bot,
 * the HTTP server); after them, that closed (a failure there fails the file) and the database
 * dropped. `database` and `subject` stand for the ones made then (see lateBound): use them in
 * tests, hooks and helpers, not at the top level of the module.
 */
export function useOnTestDatabase<T extends Closable>(what: string, start: (database: TestDatabase) => Promise<T>, options: DatabaseFixtureOptions = {}): { database: TestDatabase; subject: T } {
  const database = lateBound<TestDatabase>(`the database of ${what}`);
  const subject = lateBound<T>(what);
  beforeAll(async () => {
    const made = await createTestDatabase(options.migrate === false ? { migrate: false } : {});
    database.bind(made);
    await options.seed?.(made);
    subject.bind(await start(made));
  });
  afterAll(async () => {
    try {
      await subject.target?.close();
    } finally {
      await database.target?.dispose();
      subject.bind(undefined);
      database.bind(undefined);
    }
  });
  return { database: database.value, subject: subject.value };
}

/**
 * The same on a database nobody answers for: any query fails at once, so a test sees what is
 * under test does without the database.
 */
export function useOnUnreachableDatabase<T extends Closable>(what: string, start: (db: Db) => Promise<T>): T {
  const subject = lateBound<T>(what);
  const nowhere = unreachableDatabase();
  beforeAll(async () => {
    subject.bind(await start(nowhere.db));
  });
  afterAll(async () => {
    try {
      await subject.target?.close();
    } finally {
      await nowhere.close();
      subject.bind(undefined);
    }
  });
  return subject.value;
}
