import { describe, expect, it } from "vitest";
import { migrationsFolder } from "../../src/db/migrate";
import { checkHealth, type HealthReport } from "../../src/db/health";
import { migrationCount, rawQuery } from "../helpers/db";
import { startTestApi, useTestApi, useTestApiWithoutDatabase, type TestApi } from "./helpers";

async function health(api: TestApi): Promise<{ status: number; body: HealthReport }> {
  const res = await api.get("/api/test-db");
  return { status: res.status, body: (await res.json()) as HealthReport };
}

const NO_OUTBOX = { queued: null, oldest_queued_age_seconds: null, last_error: null };

/** The answer of /api/test-db: 200 when all is well, else 503; no notes. */
function answer(database: HealthReport["database"], migrations: HealthReport["migrations"], outbox: HealthReport["outbox"] = NO_OUTBOX) {
  const ok = database === "reachable" && migrations.current;
  return { status: ok ? 200 : 503, body: { ok, database, migrations, outbox, notes: [] } };
}

describe("a migrated database", () => {
  const { database, api } = useTestApi();

  it("an empty outbox → 200, migrations current", async () => {
    expect(await health(api)).toEqual(
      answer("reachable", { applied: migrationCount(), expected: migrationCount(), current: true }, { queued: 0, oldest_queued_age_seconds: null, last_error: null }),
    );
  });

  it("reports the backlog, the oldest queued message's age and the newest failure", async () => {
    const add = (key: string, status: string, ageSeconds: number, lastError: string | null) =>
      rawQuery(
        database,
        `INSERT INTO outbox (dedupe_key, kind, chat_id, text, status, last_error, created_at)
         VALUES ($1, 'confirmation', 42, 'hi', $2, $3, now() - $4 * interval '1 second')`,
        [key, status, lastError, ageSeconds],
      );
    // The server's clock around the inserts and the request: the oldest queued row is 90 s old
    // plus at most what passed between them, so the failed and sent ones (older) cannot pass for it.
    const serverSeconds = async () => Number((await rawQuery(database, "SELECT extract(epoch FROM clock_timestamp())::float8 AS s"))[0]!.s);
    const before = await serverSeconds();
    await add("q1", "queued", 90, null);
    await add("q2", "queued", 5, "429: Too Many Requests: retry after 3");
    await add("f1", "failed", 3600, "403: Forbidden: bot was blocked by the user");
    await add("f2", "failed", 600, "400: Bad Request: chat not found");
    await add("s1", "sent", 7200, null);

    const { status, body } = await health(api);
    const after = await serverSeconds();
    expect(status).toBe(200);
    expect(body.outbox).toEqual({ queued: 2, oldest_queued_age_seconds: expect.any(Number), last_error: "400: Bad Request: chat not found" });
    expect(body.outbox.oldest_queued_age_seconds).toBeGreaterThanOrEqual(90);
    expect(body.outbox.oldest_queued_age_seconds).toBeLessThanOrEqual(90 + (after - before));
  });

  it("checkHealth is the same report, for /health and db:check", async () => {
    expect(await checkHealth(database.db, { migrationsFolder: migrationsFolder() })).toEqual((await health(api)).body);
  });

  it("an injected health check is used as is, and a throwing one is a 500", async () => {
    const report: HealthReport = {
      ok: false,
      database: "reachable",
      migrations: { applied: 9, expected: 9, current: true },
      outbox: { queued: 5000, oldest_queued_age_seconds: 7200, last_error: null },
      notes: [],
    };
    const injected = await startTestApi(database.db, { health: async () => report });
    try {
      expect(await health(injected)).toEqual({ status: 503, body: report });
    } finally {
      await injected.close();
    }
    const custom = await startTestApi(database.db, { health: () => Promise.reject(new Error("disk on fire")) });
    try {
      const res = await custom.get("/api/test-db");
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: "Health check failed" });
      expect(JSON.stringify(custom.logs.find((l) => l.msg === "health check failed"))).toContain("disk on fire");
    } finally {
      await custom.close();
    }
  });
});

describe("a database never migrated", () => {
  const { api } = useTestApi({ migrate: false });

  it("is reachable but not current → 503", async () => {
    expect(await health(api)).toEqual(answer("reachable", { applied: 0, expected: migrationCount(), current: false }));
  });
});

describe("a database that cannot be reached", () => {
  const { api } = useTestApiWithoutDatabase();

  it("→ 503 unreachable, and the reason in the log", async () => {
    expect(await health(api)).toEqual(answer("unreachable", { applied: null, expected: migrationCount(), current: false }));
    const line = api.logs.find((l) => l.msg === "health check: database unreachable");
    expect(line).toMatchObject({ level: 40, req_id: expect.any(String) });
    expect(JSON.stringify(line)).toContain("ECONNREFUSED");
  });
});
