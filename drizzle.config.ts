import { defineConfig } from "drizzle-kit";

// drizzle-kit only generates SQL here; migrations run at start through src/db/migrate.ts,
// against DATABASE_URL or the embedded server alike.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
});
