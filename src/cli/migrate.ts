import { runMigrations } from "../db/migrate";
import { listMigrationNotes } from "../db/migration-notes";
import { openDatabaseFromEnv } from "./open";

const database = await openDatabaseFromEnv();
try {
  await runMigrations(database);
  process.stdout.write(`Migrations are up to date on ${database.where}.\n`);
  for (const note of await listMigrationNotes(database.db)) {
    process.stdout.write(`${note.level}: ${note.message}${note.advice ? ` — ${note.advice}` : ""}\n`);
  }
} finally {
  await database.close();
}
