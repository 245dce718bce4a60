import { useOnTestDatabase, useOnUnreachableDatabase } from "./database-fixture";
import type { TestDatabase } from "./db";
import { addCourse } from "./fixtures";
import { createHarness, type Harness } from "./harness";

export type BotFixtureOptions = {
  /** Course 1 ("Вайб кодинг", as `addCourse`) first; `false` for a file that writes its own courses. */
  course?: boolean;
  /** The file's own rows, written before the bot starts. */
  seed?: (database: TestDatabase) => Promise<unknown>;
  /** Environment of the bot's config (`testConfig`), e.g. `{ PAGE_SIZE: "3" }`. */
  env?: Record<string, string>;
  clock?: () => Date;
};

/**
 * The set-up most bot test files share: before the file's tests, a fresh database, course 1,
 * the file's `seed`, and the real bot on it behind the fake Bot API (`createHarness`); after
 * them, the harness closed (which fails the file on any call Telegram would refuse) and the
 * database dropped.
 *
 * `database` and `h` stand for the ones made in `beforeAll`, so a file declares them where it
 * says what it needs and uses them as they are: in its tests, hooks and helpers (not at the top
 * level of the module, where they do not exist yet). The hooks belong to the scope of the call
 * (the file, or a describe). A `beforeAll` registered after this call runs after it; an
 * `afterAll`, before the harness is closed.
 */
export function useBotFixture(options: BotFixtureOptions = {}): { database: TestDatabase; h: Harness } {
  const { database, subject } = useOnTestDatabase("the fixture's harness", (made) => createHarness(made.db, options.env, options.clock ? { clock: options.clock } : {}), {
    seed: async (made) => {
      if (options.course !== false) await addCourse(made.db);
      await options.seed?.(made);
    },
  });
  return { database, h: subject };
}

/**
 * The real bot on a database nobody answers for: any read it makes fails at once, so a test
 * sees what the bot does without the database (a refusal that must not read, or the "database
 * unavailable" answer).
 */
export function useBotWithoutDatabase(env: Record<string, string> = {}): { h: Harness } {
  return { h: useOnUnreachableDatabase("the fixture's harness", (db) => createHarness(db, env)) };
}
