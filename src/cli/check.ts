import { checkHealth } from "../db/health";
import { migrationsFolder } from "../db/migrate";
import { openDatabaseFromEnv } from "./open";

// `npm run db:check`: the health report as JSON; exit code 0 when ok, 1 when not (for scripts and probes).
const database = await openDatabaseFromEnv();
try {
  const report = await checkHealth(database.db, { migrationsFolder: migrationsFolder() });
  process.stdout.write(`${database.where}\n${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await database.close();
}
