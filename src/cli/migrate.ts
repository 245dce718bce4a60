import { runMigrations } from "../db/migrate";
import { openDatabaseFromEnv } from "./open";

const database = await openDatabaseFromEnv();
try {
  await runMigrations(database);
  process.stdout.write(`Migrations are up to date on ${database.where}.\n`);
} finally {
  await database.close();
}
