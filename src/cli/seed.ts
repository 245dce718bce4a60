import { parseArgs } from "node:util";
import * as v from "valibot";
import { runMigrations } from "../db/migrate";
import { seedDemoData } from "../db/seed";
import { openDatabaseFromEnv, positiveInt } from "./open";

const { values } = parseArgs({
  options: { count: { type: "string", short: "n", default: "300" }, seed: { type: "string", default: "42" } },
});
const count = v.safeParse(positiveInt, values.count);
const seed = v.safeParse(positiveInt, values.seed);
if (!count.success || !seed.success) {
  process.stderr.write("Usage: npm run db:seed -- [--count N] [--seed S]   (N, S: positive whole numbers)\n");
  process.exit(1);
}

const database = await openDatabaseFromEnv();
try {
  await runMigrations(database);
  const started = performance.now();
  const result = await seedDemoData(database, { bookings: count.output, seed: seed.output });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `Seeded ${result.bookings} bookings of ${result.students} students into ${database.where} in ${seconds} s.\n`,
  );
} finally {
  await database.close();
}
