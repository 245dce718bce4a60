import { defineConfig } from "vitest/config";

// The database and bot suites run once on PGlite and, when TEST_DATABASE_URL is set,
// once more against that PostgreSQL server: one query layer, two engines, same tests.
const dbSuites = ["test/db/**/*.test.ts", "test/bot/**/*.test.ts", "test/delivery/**/*.test.ts", "test/fuzz/**/*.test.ts", "test/http/**/*.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      { extends: true, test: { name: "pglite", include: dbSuites, env: { TEST_DB: "pglite" } } },
      ...(process.env.TEST_DATABASE_URL
        ? [{ extends: true as const, test: { name: "postgres", include: [...dbSuites, "test/postgres/**/*.test.ts"], env: { TEST_DB: "postgres" } } }]
        : []),
    ],
  },
});
