import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client";
import { listBookingsPage, type BookingScope, type BookingsPage } from "../../src/db/queries/bookings";
import { BOOKING_STATUSES } from "../../src/db/schema";
import { createTestDatabase, rawExec, rawQuery, type TestDatabase } from "../helpers/db";
import { addBookings, addCourse, BASE_TIME } from "../helpers/fixtures";

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await addCourse(db);
});
afterAll(() => database.dispose());

async function resetBookings(): Promise<void> {
  await rawExec(database, "TRUNCATE bookings RESTART IDENTITY CASCADE");
}

const minutes = (n: number) => new Date(BASE_TIME.getTime() + n * 60_000);

/** Rows the JS Date cannot tell apart: same millisecond, different microseconds (or none). */
let microStream = 0;
async function addMicrosecondBookings(rows: Array<{ micros: number; userId: number; status: number }>): Promise<void> {
  for (const { micros, userId, status } of rows) {
    const at = `2026-11-01 09:00:00.${String(micros).padStart(6, "0")}+00`;
    // A stream of its own for each row: one live booking per student and stream.
    await rawQuery(
      database,
      "INSERT INTO bookings (user_id, username, course_id, course_stream, confirmed, created_at) VALUES ($1, $2, 1, $3, $4, $5)",
      [userId, `micro${userId}`, `micro_${++microStream}`, status, at],
    );
  }
}

/** The definition of "newest first", straight from the table (microsecond timestamps included). */
async function newestFirstIds(scope: BookingScope): Promise<number[]> {
  const rows = await rawQuery(
    database,
    `SELECT id FROM bookings
     WHERE ($1::bigint IS NULL OR user_id = $1) AND ($2::int IS NULL OR confirmed = $2)
     ORDER BY created_at DESC, id DESC`,
    [scope.userId ?? null, scope.status ?? null],
  );
  return rows.map((r) => Number(r.id));
}

const ids = (page: BookingsPage) => page.rows.map((r) => r.id);
const flags = (page: BookingsPage) => ({ hasNewer: page.hasNewer, hasOlder: page.hasOlder, isFirst: page.isFirst });
const firstRow = (page: BookingsPage) => page.rows[0]!.id;
const lastRow = (page: BookingsPage) => page.rows[page.rows.length - 1]!.id;

async function walkOlder(scope: BookingScope, size: number): Promise<BookingsPage[]> {
  const pages = [await listBookingsPage(db, scope, { dir: "first" }, size)];
  while (pages.at(-1)!.hasOlder) {
    if (pages.length > 1_000) throw new Error("walk does not end");
    pages.push(await listBookingsPage(db, scope, { dir: "older", id: lastRow(pages.at(-1)!) }, size));
  }
  return pages;
}

/** From `start` towards the newest rows, until a page says it is the first one. */
async function walkNewer(scope: BookingScope, start: BookingsPage, size: number): Promise<BookingsPage[]> {
  const pages: BookingsPage[] = [];
  let page = start;
  while (!page.isFirst) {
    if (pages.length > 1_000) throw new Error("walk does not end");
    page = await listBookingsPage(db, scope, { dir: "newer", id: firstRow(page) }, size);
    pages.push(page);
  }
  return pages;
}

/** Every row once, newest first, full pages but the last, flags exact at both ends. */
function expectExactWalk(pages: BookingsPage[], expected: number[], size: number): void {
  expect(pages.flatMap(ids)).toEqual(expected);
  pages.forEach((page, i) => {
    const last = i === pages.length - 1;
    expect(flags(page), `page ${i + 1} of ${pages.length}`).toEqual({ hasNewer: i > 0, hasOlder: !last, isFirst: i === 0 });
    if (!last) expect(page.rows).toHaveLength(size);
  });
  if (expected.length > 0) expect(pages.at(-1)!.rows.length).toBeGreaterThan(0);
}

describe("listBookingsPage: walking every scope in both directions", () => {
  const STUDENT = 7001;
  const scopes: Array<[string, BookingScope]> = [
    ["all", {}],
    ...BOOKING_STATUSES.map((status): [string, BookingScope] => [`status ${status}`, { status }]),
    ["one student", { userId: STUDENT }],
    ["one student, one status", { userId: 7003, status: 2 }],
  ];
  const sizes = [1, 7, 10, 500];
  let total = 0;

  beforeAll(async () => {
    await resetBookings();
    // Ties of six rows per minute…
    await addBookings(
      db,
      Array.from({ length: 60 }, (_, i) => ({
        userId: 7000 + (i % 3),
        createdAt: minutes(Math.floor(i / 6)),
        confirmed: BOOKING_STATUSES[i % 4]!,
      })),
    );
    // …25 more rows at one instant that already has six…
    await addBookings(
      db,
      Array.from({ length: 25 }, (_, i) => ({
        userId: i % 2 === 0 ? STUDENT : 7003,
        createdAt: minutes(5),
        confirmed: BOOKING_STATUSES[(i + 1) % 4]!,
      })),
    );
    // …and rows inside BASE_TIME's millisecond, their ids rising as their times fall, in pairs
    // sharing a microsecond; .000000 ties with the BASE_TIME rows above.
    await addMicrosecondBookings(
      [...Array.from({ length: 24 }, (_, k) => 11 - (k % 12)), 999, 1000, 1001].map((micros, k) => ({
        micros,
        userId: 7000 + (k % 4),
        status: BOOKING_STATUSES[k % 4]!,
      })),
    );
    total = (await newestFirstIds({})).length;
  });

  it("has the fixture it claims", () => {
    expect(total).toBe(60 + 25 + 27);
  });

  describe.each(scopes)("scope %s", (_name, scope) => {
    it.each(sizes)("page size %i: older visits each row once, newer retraces the same pages", async (size) => {
      const expected = await newestFirstIds(scope);
      expect(expected.length).toBeGreaterThan(1);

      const forward = await walkOlder(scope, size);
      expectExactWalk(forward, expected, size);

      const back = await walkNewer(scope, forward.at(-1)!, size);
      const retraced = forward.slice(0, -1).reverse();
      expect(back.map(ids)).toEqual(retraced.map(ids));
      expect(back.map(flags)).toEqual(retraced.map(flags));
      const top = back.at(-1) ?? forward[0]!;
      expect(top.isFirst).toBe(true);
      expect(top.rows).toHaveLength(Math.min(size, expected.length));
    });
  });
});

describe("listBookingsPage: many rows at one instant", () => {
  beforeAll(async () => {
    await resetBookings();
    await addBookings(db, Array.from({ length: 41 }, () => ({ createdAt: BASE_TIME })));
    await addMicrosecondBookings(Array.from({ length: 17 }, () => ({ micros: 1, userId: 7100, status: 1 })));
    await addBookings(db, Array.from({ length: 9 }, () => ({ createdAt: BASE_TIME })));
  });

  it.each([1, 6, 41])("page size %i loses and repeats nothing", async (size) => {
    const expected = await newestFirstIds({});
    // The .000001 rows come first although a JS Date sees them at BASE_TIME too.
    expect(expected.slice(0, 17)).toEqual(Array.from({ length: 17 }, (_, i) => 41 + 17 - i));
    expect(expected.slice(17)).toEqual([...Array.from({ length: 9 }, (_, i) => 67 - i), ...Array.from({ length: 41 }, (_, i) => 41 - i)]);

    const forward = await walkOlder({}, size);
    expectExactWalk(forward, expected, size);
    const back = await walkNewer({}, forward.at(-1)!, size);
    expect(back.map(ids)).toEqual(forward.slice(0, -1).reverse().map(ids));
  });
});

describe("listBookingsPage: bookings arriving during a walk", () => {
  const SIZE = 8;

  beforeAll(async () => {
    await resetBookings();
    await addBookings(db, Array.from({ length: 50 }, (_, i) => ({ createdAt: minutes(Math.floor(i / 4)) })));
  });

  it("neither shifts nor repeats the older pages, and the way back still finds the new top", async () => {
    const before = await walkOlder({}, SIZE);
    expect(before).toHaveLength(7);

    const pages = [await listBookingsPage(db, {}, { dir: "first" }, SIZE)];
    for (let i = 0; i < 2; i++) pages.push(await listBookingsPage(db, {}, { dir: "older", id: lastRow(pages.at(-1)!) }, SIZE));

    // Twelve newer bookings, some sharing an instant, arrive while the admin reads page 3.
    const added = await addBookings(
      db,
      Array.from({ length: 12 }, (_, i) => ({ userId: 8000 + i, createdAt: minutes(1_000 + Math.floor(i / 3)) })),
    );

    while (pages.at(-1)!.hasOlder) pages.push(await listBookingsPage(db, {}, { dir: "older", id: lastRow(pages.at(-1)!) }, SIZE));
    expect(pages.map(ids)).toEqual(before.map(ids));
    expect(pages.slice(1).every((p) => p.hasNewer && !p.isFirst)).toBe(true);
    expect(pages.flatMap(ids).some((id) => added.includes(id))).toBe(false);

    // Back up: the old pages come back unchanged while there is a full page above them…
    const page3 = await listBookingsPage(db, {}, { dir: "newer", id: firstRow(pages[3]!) }, SIZE);
    const page2 = await listBookingsPage(db, {}, { dir: "newer", id: firstRow(page3) }, SIZE);
    const page1 = await listBookingsPage(db, {}, { dir: "newer", id: firstRow(page2) }, SIZE);
    expect([page3, page2, page1].map(ids)).toEqual([before[2]!, before[1]!, before[0]!].map(ids));
    expect(flags(page1)).toEqual({ hasNewer: true, hasOlder: true, isFirst: false });

    // …then the newest bookings, ending on a full first page.
    const rest = await walkNewer({}, page1, SIZE);
    const top = rest.at(-1)!;
    expect(top.isFirst).toBe(true);
    expect(ids(top)).toEqual((await newestFirstIds({})).slice(0, SIZE));
    expect(ids(top).every((id) => added.includes(id))).toBe(true);
  });
});

describe("listBookingsPage: anchors", () => {
  let all: number[] = [];

  beforeAll(async () => {
    await resetBookings();
    await addBookings(db, Array.from({ length: 23 }, (_, i) => ({ createdAt: minutes(i), confirmed: i % 2 === 0 ? 1 : 0 })));
    all = await newestFirstIds({});
  });

  it.each(["older", "newer"] as const)("an id that does not exist (%s) gives the first page", async (dir) => {
    const page = await listBookingsPage(db, {}, { dir, id: 999_999 }, 5);
    expect(ids(page)).toEqual(all.slice(0, 5));
    expect(flags(page)).toEqual({ hasNewer: false, hasOlder: true, isFirst: true });
  });

  it("a booking deleted since it was shown gives the first page", async () => {
    const [victim] = await addBookings(db, [{ createdAt: minutes(-100) }]);
    await rawQuery(database, "DELETE FROM bookings WHERE id = $1", [victim]);
    const page = await listBookingsPage(db, {}, { dir: "older", id: victim! }, 5);
    expect(page.isFirst).toBe(true);
    expect(ids(page)).toEqual(all.slice(0, 5));
  });

  it("an anchor that left the scope (its status changed) still marks the place", async () => {
    const pending = await newestFirstIds({ status: 1 });
    const first = await listBookingsPage(db, { status: 1 }, { dir: "first" }, 4);
    expect(ids(first)).toEqual(pending.slice(0, 4));
    // The admin confirms the last booking on the page, then presses "older".
    await rawQuery(database, "UPDATE bookings SET confirmed = 2 WHERE id = $1", [lastRow(first)]);
    const next = await listBookingsPage(db, { status: 1 }, { dir: "older", id: lastRow(first) }, 4);
    expect(ids(next)).toEqual(pending.slice(4, 8));
    expect(flags(next)).toEqual({ hasNewer: true, hasOlder: true, isFirst: false });
    // Three rows above: back at the top, and the first page is full again.
    const back = await listBookingsPage(db, { status: 1 }, { dir: "newer", id: firstRow(next) }, 4);
    expect(ids(back)).toEqual([...pending.slice(0, 3), pending[4]]);
    expect(back.isFirst).toBe(true);
  });
});

describe("listBookingsPage: page sizes and the ends of the list", () => {
  beforeAll(resetBookings);

  it("an empty table is one empty first page", async () => {
    for (const scope of [{}, { status: 2 as const }, { userId: 1 }]) {
      const page = await listBookingsPage(db, scope, { dir: "first" }, 10);
      expect(page).toEqual({ rows: [], hasNewer: false, hasOlder: false, isFirst: true });
      expect(await listBookingsPage(db, scope, { dir: "older", id: 1 }, 10)).toEqual(page);
      expect(await listBookingsPage(db, scope, { dir: "newer", id: 1 }, 10)).toEqual(page);
    }
  });

  it("exactly one page of rows has no older page; one row more has", async () => {
    await addBookings(db, Array.from({ length: 5 }, (_, i) => ({ createdAt: minutes(i) })));
    expect(flags(await listBookingsPage(db, {}, { dir: "first" }, 5))).toEqual({ hasNewer: false, hasOlder: false, isFirst: true });

    await addBookings(db, [{ createdAt: minutes(-1) }]);
    const first = await listBookingsPage(db, {}, { dir: "first" }, 5);
    expect(flags(first)).toEqual({ hasNewer: false, hasOlder: true, isFirst: true });
    const second = await listBookingsPage(db, {}, { dir: "older", id: lastRow(first) }, 5);
    expect(ids(second)).toEqual([6]);
    expect(flags(second)).toEqual({ hasNewer: true, hasOlder: false, isFirst: false });
  });

  it("page size 1 steps one booking at a time", async () => {
    const expected = await newestFirstIds({});
    const pages = await walkOlder({}, 1);
    expectExactWalk(pages, expected, 1);
    expect(pages.map((p) => p.rows.length)).toEqual(expected.map(() => 1));
  });

  it("a page size larger than the table shows everything on one page", async () => {
    const expected = await newestFirstIds({});
    const page = await listBookingsPage(db, {}, { dir: "first" }, 10_000);
    expect(ids(page)).toEqual(expected);
    expect(flags(page)).toEqual({ hasNewer: false, hasOlder: false, isFirst: true });
  });

  it("joins course name and stream title on every page row", async () => {
    await addBookings(db, [{ userId: 9900, courseStream: "3rd_stream", createdAt: minutes(10_000) }]);
    const page = await listBookingsPage(db, {}, { dir: "first" }, 2);
    expect(page.rows[0]).toMatchObject({ courseName: "Вайб кодинг", courseStream: "3rd_stream", streamTitle: "3-й поток" });
  });
});
