import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message, User } from "grammy/types";
import { openPostgres, type Database } from "../../src/db/client";
import { createTestDatabase, rawExec, rawQuery, type TestDatabase } from "../helpers/db";
import { addCourse } from "../helpers/fixtures";
import { createHarness, type Harness } from "../helpers/harness";

/**
 * Two bot processes on one PostgreSQL (two Bot instances, each with its own connection pool):
 * students pressing at the same instant on both. No database rule stops a second live booking
 * any more (the real bot must be able to write one), so only our advisory lock does.
 */
describe("presses at the same instant on two bot processes", () => {
  let database: TestDatabase;
  let second: Database;
  let bots: [Harness, Harness];

  beforeAll(async () => {
    database = await createTestDatabase();
    await addCourse(database.db);
    await rawExec(
      database,
      `UPDATE streams SET is_open = true, course_id = 1 WHERE code IN ('7th_stream', '8th_stream');
       INSERT INTO referral_coupons (code, discount_percent, max_activations, current_activations, created_by) VALUES ('LAST3', 50, 5, 2, 1);`,
    );
    second = openPostgres(database.url!, { max: 5 });
    bots = [await createHarness(database.db), await createHarness(second.db)];
  });
  afterAll(async () => {
    for (const h of bots ?? []) await h.close();
    await second?.close();
    await database?.dispose();
  });

  /** The student's /start message on each bot, and the data of its button for `label`. */
  async function startOnBoth(student: User, param = ""): Promise<Array<{ h: Harness; message: Message; data: string }>> {
    return Promise.all(
      bots.map(async (h) => {
        await h.send(`/start ${param}`.trim(), student);
        const message = h.lastSent(student.id);
        const button = message.reply_markup!.inline_keyboard.flat().find((b) => b.text.includes("7-й поток"))!;
        return { h, message, data: (button as { callback_data: string }).callback_data };
      }),
    );
  }

  it("a student pressing \"book\" on both at once, many times, gets one booking", async () => {
    const student: User = { id: 880_001, is_bot: false, first_name: "Двойной" };
    const screens = await startOnBoth(student);
    const before = bots.map((h) => h.api.callsOf("answerCallbackQuery").length);
    await Promise.all(Array.from({ length: 12 }, (_, i) => screens[i % 2]!).map(({ h, message, data }) => h.pressData(message, data, student)));
    // Read from the fake APIs' logs: concurrent presses on one harness interleave their calls.
    const answers = bots.flatMap((h, i) => h.api.callsOf("answerCallbackQuery").slice(before[i]).map((c) => c.payload.text));
    expect(answers.filter((a) => a === "Заявка принята")).toHaveLength(1);
    expect(answers.filter((a) => a === "У вас уже есть заявка на этот поток — смотрите «Мои заявки».")).toHaveLength(11);
    expect(await rawQuery(database, "SELECT course_stream FROM bookings WHERE user_id = $1", [student.id])).toEqual([{ course_stream: "7th_stream" }]);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM events WHERE user_id = $1 AND event_type = 'booking_created'", [student.id])).toEqual([{ n: 1 }]);
  });

  it("ten students with a coupon that has three activations left, booking at once: three get the discount", async () => {
    const students: User[] = Array.from({ length: 10 }, (_, i) => ({ id: 880_100 + i, is_bot: false, first_name: `Студент ${i}` }));
    const screens = await Promise.all(students.map(async (s, i) => ({ student: s, screen: (await startOnBoth(s, "ref_LAST3"))[i % 2]! })));
    // Every student was offered the discount: at /start three activations were left for each.
    await Promise.all(screens.map(({ student, screen }) => screen.h.pressData(screen.message, screen.data, student)));
    const booked = await rawQuery(
      database,
      "SELECT count(*)::int AS n, count(*) FILTER (WHERE discount_percent = 50 AND referral_code = 'LAST3')::int AS discounted FROM bookings WHERE user_id >= 880100",
    );
    expect(booked).toEqual([{ n: 10, discounted: 3 }]);
    expect(await rawQuery(database, "SELECT current_activations, max_activations FROM referral_coupons WHERE code = 'LAST3'")).toEqual([
      { current_activations: 5, max_activations: 5 },
    ]);
    expect(await rawQuery(database, "SELECT count(*)::int AS n FROM referral_usage")).toEqual([{ n: 3 }]);
  });
});
