import { runMigrations } from "../db/migrate";
import type { Logger } from "../logger";
import { listMigrationNotes } from "../db/migration-notes";
import { openDatabaseFromEnv } from "./open";

const database = await openDatabaseFromEnv();
try {
  // What it does, as it does it: an adoption of a large database takes a while.
  const say = { info: (a: unknown, b?: string) => process.stdout.write(`${typeof a === "string" ? a : b}\n`) } as unknown as Pick<Logger, "info">;
  await runMigrations(database, { logger: say });
  process.stdout.write(`Migrations are up to date on ${database.where}.\n`);
  for (const note of await listMigrationNotes(database.db)) {
    process.stdout.write(`${note.level}: ${note.message}${note.advice ? ` — ${note.advice}` : ""}\n`);
  }
} finally {
  await database.close();
}
