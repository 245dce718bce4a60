import { describe, expect, it } from "vitest";
import { rawQuery } from "../helpers/db";
import { addBookings, addCourse, BASE_TIME } from "../helpers/fixtures";
import { requestLine, useTestApi, useTestApiWithoutDatabase } from "./helpers";

const SEED_FIELDS = ["id", "user_id", "username", "first_name", "course_id", "course_stream", "confirmed", "created_at", "referral_code", "discount_percent"];
const TOTAL = 505;
const STATUSES = [0, 1, 2, -1] as const;

let knownId: number;
const { database, api } = useTestApi({
  seed: async ({ db }) => {
    await addCourse(db);
    // Five bookings share each minute, so the order rests on the id as often as on the time.
    await addBookings(
      db,
      Array.from({ length: TOTAL - 1 }, (_, i) => ({
        confirmed: STATUSES[i % 4],
        createdAt: new Date(BASE_TIME.getTime() + Math.floor(i / 5) * 60_000),
      })),
    );
    [knownId] = await addBookings(db, [
      {
        userId: 777000111,
        username: "anna_k",
        firstName: "Анна",
        courseStream: "3rd_stream",
        confirmed: 2,
        createdAt: new Date("2026-12-24T18:30:05.123Z"),
        referralCode: "FRIEND10",
        discountPercent: 10,
      },
    ]) as [number];
  },
});

/** "Newest first", straight from the table. */
async function newestFirstIds(status?: number): Promise<number[]> {
  const rows = await rawQuery(
    database,
    `SELECT id FROM bookings ${status === undefined ? "" : "WHERE confirmed = $1"} ORDER BY created_at DESC, id DESC`,
    status === undefined ? [] : [status],
  );
  return rows.map((r) => Number(r.id));
}

type BookingJson = Record<string, unknown> & { id: number; confirmed: number };

async function page(path: string): Promise<{ res: Response; body: BookingJson[] }> {
  const res = await api.get(path);
  expect(res.status, path).toBe(200);
  return { res, body: (await res.json()) as BookingJson[] };
}

describe("GET /api/bookings", () => {
  it("answers 20 bookings by default, newest first, as a bare array", async () => {
    const { res, body } = await page("/api/bookings");
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(body.map((b) => b.id)).toEqual((await newestFirstIds()).slice(0, 20));
  });

  it("gives each booking exactly the seed's fields, in the seed's order", async () => {
    const { body } = await page("/api/bookings?limit=1");
    expect(Object.keys(body[0]!)).toEqual(SEED_FIELDS);
    expect(body[0]).toStrictEqual({
      id: knownId,
      user_id: 777000111,
      username: "anna_k",
      first_name: "Анна",
      course_id: 1,
      course_stream: "3rd_stream",
      confirmed: 2,
      created_at: "2026-12-24T18:30:05.123Z",
      referral_code: "FRIEND10",
      discount_percent: 10,
    });
  });

  it("answers up to 500, and refuses more", async () => {
    const { res, body } = await page("/api/bookings?limit=500");
    expect(body.map((b) => b.id)).toEqual((await newestFirstIds()).slice(0, 500));
    expect(res.headers.get("x-next-cursor")).toBeTruthy();
    const over = await api.get("/api/bookings?limit=501");
    expect(over.status).toBe(400);
    expect(await over.json()).toEqual({ error: "limit must be a whole number from 1 to 500" });
  });

  it.each(["0", "-1", "abc", "1.5", "", "1e2", "20 ", "00000020000"])("limit=%j → 400 naming limit", async (limit) => {
    const res = await api.get(`/api/bookings?limit=${encodeURIComponent(limit)}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^limit /);
  });

  it("refuses a parameter given twice, and ignores unknown ones", async () => {
    const twice = await api.get("/api/bookings?limit=5&limit=6");
    expect(twice.status).toBe(400);
    expect(await twice.json()).toEqual({ error: "limit is given more than once" });
    const { body } = await page("/api/bookings?limit=3&sort=asc&_=123");
    expect(body).toHaveLength(3);
  });

  it.each([
    ["new", "0", 0],
    ["pending", "1", 1],
    ["confirmed", "2", 2],
    ["cancelled", "-1", -1],
  ] as const)("status=%s and status=%s filter the same way", async (name, code, status) => {
    const byName = await page(`/api/bookings?status=${name}&limit=30`);
    const byCode = await page(`/api/bookings?status=${code}&limit=30`);
    expect(byName.body).toEqual(byCode.body);
    expect(byName.body.map((b) => b.id)).toEqual((await newestFirstIds(status)).slice(0, 30));
    expect(byName.body.every((b) => b.confirmed === status)).toBe(true);
  });

  it.each(["done", "Confirmed", "3", "", "all"])("status=%j → 400 naming status", async (status) => {
    const res = await api.get(`/api/bookings?status=${encodeURIComponent(status)}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "status must be one of new, pending, confirmed, cancelled, 0, 1, 2, -1" });
  });
});

describe("walking the cursor", () => {
  async function walk(first: string, follow: (res: Response) => string | undefined): Promise<{ ids: number[]; pages: number }> {
    const ids: number[] = [];
    let next: string | undefined = first;
    let pages = 0;
    while (next !== undefined) {
      const { res, body } = await page(next);
      pages++;
      ids.push(...body.map((b) => b.id));
      next = follow(res);
      if (next === undefined) expect(res.headers.get("link")).toBeNull();
    }
    return { ids, pages };
  }

  it("X-Next-Cursor visits every booking once, newest first, through equal timestamps", async () => {
    const { ids, pages } = await walk("/api/bookings?limit=7", (res) => {
      const cursor = res.headers.get("x-next-cursor");
      return cursor === null ? undefined : `/api/bookings?limit=7&before=${cursor}`;
    });
    expect(ids).toEqual(await newestFirstIds());
    expect(pages).toBe(Math.ceil(TOTAL / 7));
  });

  it("the Link header leads through a filtered list the same way", async () => {
    const { ids } = await walk("/api/bookings?status=confirmed&limit=25", (res) => {
      const link = res.headers.get("link");
      if (link === null) return undefined;
      const m = /^<(\/api\/bookings\?limit=25&status=confirmed&before=[0-9a-z]+)>; rel="next"$/.exec(link);
      expect(m, link).not.toBeNull();
      expect(m![1]).toContain(`before=${res.headers.get("x-next-cursor")}`);
      return m![1];
    });
    expect(ids).toEqual(await newestFirstIds(2));
  });

  it("a page that ends the list exactly has no cursor", async () => {
    const { res, body } = await page("/api/bookings?limit=500");
    const rest = await page(`/api/bookings?limit=5&before=${res.headers.get("x-next-cursor")}`);
    expect(body.length + rest.body.length).toBe(TOTAL);
    expect(rest.res.headers.get("x-next-cursor")).toBeNull();
  });

  it("the oldest booking's id or an unknown one as cursor → an empty page, never the first again", async () => {
    const oldest = (await newestFirstIds()).at(-1)!;
    for (const cursor of [oldest.toString(36), "zik0zj"]) {
      const { res, body } = await page(`/api/bookings?before=${cursor}`);
      expect(body).toEqual([]);
      expect(res.headers.get("x-next-cursor")).toBeNull();
    }
  });

  it.each(["", "0", "-5", "ABC", "01", "a.b", "zik0zk", "zzzzzzz", "12 "])("before=%j → 400 naming before", async (cursor) => {
    const res = await api.get(`/api/bookings?before=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "before must be the X-Next-Cursor of a previous page" });
  });
});

describe("when the database cannot be reached", () => {
  const { api: down } = useTestApiWithoutDatabase();

  it("answers 500 with the seed's exact body; the detail is only in the log", async () => {
    const res = await down.get("/api/bookings?limit=5");
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('{"error":"Failed to fetch bookings"}');
    const requestId = res.headers.get("x-request-id");
    const failure = down.logs.find((l) => l.msg === "bookings query failed");
    expect(failure).toMatchObject({ level: 50, req_id: requestId, databaseUnavailable: true });
    expect(JSON.stringify(failure)).toContain("ECONNREFUSED");
    expect(requestLine(down.logs, res)).toMatchObject({ status: 500, path: "/api/bookings" });
  });

  it("still checks the parameters first", async () => {
    expect((await down.get("/api/bookings?limit=0")).status).toBe(400);
  });
});
