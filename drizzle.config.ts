import { defineConfig } from "drizzle-kit";

// drizzle-kit only generates SQL here; migrations run at start through src/db/migrate.ts,
// which works for both PostgreSQL and the embedded PGlite database.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
});
