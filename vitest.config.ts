import { defineConfig } from "vitest/config";

// One engine: every suite that touches a database runs on a real PostgreSQL server, started
// once per run (or TEST_DATABASE_URL), with a fresh database per file (test/helpers/test-server.ts).
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "db",
          include: ["test/{db,bot,delivery,fuzz,http}/**/*.test.ts"],
          globalSetup: ["test/helpers/test-server.ts"],
        },
      },
    ],
  },
});
