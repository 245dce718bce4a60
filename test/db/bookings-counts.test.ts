import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client";
import { countBookingsByStatus, getBooking } from "../../src/db/queries/bookings";
import { createTestDatabase, rawQuery, type TestDatabase } from "../helpers/db";
import { addBookings, addCourse, BASE_TIME } from "../helpers/fixtures";

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(() => database.dispose());

describe("countBookingsByStatus", () => {
  it("counts nothing in an empty table", async () => {
    const zero = { all: 0, 0: 0, 1: 0, 2: 0, [-1]: 0 };
    expect(await countBookingsByStatus(db, {})).toEqual(zero);
    expect(await countBookingsByStatus(db, { userId: 42 })).toEqual(zero);
  });

  it("counts each status, overall and per student", async () => {
    await addCourse(db);
    // Student 1: 0,0,1,2,2,2,-1   Student 2: 1,1,-1   Student 3: 2
    const plan: Array<[number, 0 | 1 | 2 | -1]> = [
      [1, 0], [1, 0], [1, 1], [1, 2], [1, 2], [1, 2], [1, -1],
      [2, 1], [2, 1], [2, -1],
      [3, 2],
    ];
    await addBookings(db, plan.map(([userId, confirmed]) => ({ userId, confirmed })));

    expect(await countBookingsByStatus(db, {})).toEqual({ all: 11, 0: 2, 1: 3, 2: 4, [-1]: 2 });
    expect(await countBookingsByStatus(db, { userId: 1 })).toEqual({ all: 7, 0: 2, 1: 1, 2: 3, [-1]: 1 });
    expect(await countBookingsByStatus(db, { userId: 2 })).toEqual({ all: 3, 0: 0, 1: 2, 2: 0, [-1]: 1 });
    expect(await countBookingsByStatus(db, { userId: 3 })).toEqual({ all: 1, 0: 0, 1: 0, 2: 1, [-1]: 0 });
    expect(await countBookingsByStatus(db, { userId: 4 })).toEqual({ all: 0, 0: 0, 1: 0, 2: 0, [-1]: 0 });
  });

  it("treats an undefined student as everyone", async () => {
    expect(await countBookingsByStatus(db, { userId: undefined })).toEqual(await countBookingsByStatus(db, {}));
  });
});

describe("getBooking", () => {
  let ids: number[] = [];

  beforeAll(async () => {
    await addCourse(db, 1, "Вайб кодинг");
    await addCourse(db, 2, "Second course");
    ids = await addBookings(db, [
      { userId: 900, username: "anna", firstName: "Анна", courseId: 1, courseStream: "mentoring", confirmed: 2, referralCode: "FRIEND", discountPercent: 15, createdAt: BASE_TIME },
      { userId: 901, courseId: 2, courseStream: "9th_stream" },
      { userId: 902, username: null, firstName: null, courseId: null, courseStream: null, discountPercent: null },
    ]);
  });

  it("joins the course name and the stream title", async () => {
    expect(await getBooking(db, ids[0]!)).toEqual({
      id: ids[0],
      userId: 900,
      username: "anna",
      firstName: "Анна",
      courseId: 1,
      courseStream: "mentoring",
      confirmed: 2,
      createdAt: BASE_TIME,
      referralCode: "FRIEND",
      discountPercent: 15,
      courseName: "Вайб кодинг",
      courseStartText: null,
      streamTitle: "Менторинг",
      streamStartsAt: null,
    });
  });

  it("gives a null stream title for a stream code it does not know", async () => {
    expect(await getBooking(db, ids[1]!)).toMatchObject({ courseName: "Second course", courseStream: "9th_stream", streamTitle: null });
  });

  it("keeps a booking without course or stream", async () => {
    expect(await getBooking(db, ids[2]!)).toMatchObject({
      username: null,
      firstName: null,
      courseId: null,
      courseName: null,
      courseStream: null,
      streamTitle: null,
      discountPercent: null,
    });
  });

  it("returns undefined for an id that does not exist", async () => {
    const [{ max }] = (await rawQuery(database, "SELECT max(id)::int AS max FROM bookings")) as [{ max: number }];
    expect(await getBooking(db, max + 1)).toBeUndefined();
    expect(await getBooking(db, -1)).toBeUndefined();
  });
});
