import { runMigrations } from "../db/migrate";
import { describeTarget, openDatabaseFromEnv } from "./open";

const database = await openDatabaseFromEnv();
try {
  await runMigrations(database);
  process.stdout.write(`Migrations are up to date on ${describeTarget()}.\n`);
} finally {
  await database.close();
}
