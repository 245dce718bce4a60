import { describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec } from "../helpers/db";
import { BASE_TIME, addBookings } from "../helpers/fixtures";
import { buttonRows } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";
import { expectScreen } from "../helpers/screens";

// The same screens in English: one admin chooses it with /lang, another has an English Telegram.
const ENGLISH_ADMIN: User = { id: 1003, is_bot: false, first_name: "Emma", language_code: "en-GB" };
const { h } = useBotFixture({
  env: { ADMIN_IDS: `${ADMIN.id},${ENGLISH_ADMIN.id}`, PAGE_SIZE: "2" },
  clock: () => new Date(BASE_TIME.getTime() + 3_600_000),
  seed: async (database) => {
    await addBookings(database.db, [
      { userId: 1, username: "ann", firstName: "Ann", confirmed: 2, referralCode: "FRIEND10", discountPercent: 10 },
      { userId: 2, username: null, firstName: "Bob", confirmed: 1, courseStream: "9th_stream" },
      { userId: 3, username: "cid", firstName: "Cid", confirmed: 0 },
    ]);
    await rawExec(database, "UPDATE streams SET is_open = true WHERE code = '8th_stream'");
  },
});

describe("in English", () => {
  it("/lang en switches an admin, and their command menu follows", async () => {
    const calls = await h.send("/lang en");
    expect(calls[0]!.payload.text).toBe("Done: the interface is in English.");
    expect(calls[1]).toMatchObject({ method: "setMyCommands", payload: { scope: { type: "chat", chat_id: ADMIN.id } } });
    expect((calls[1]!.payload.commands as Array<{ command: string; description: string }>)[0]).toEqual({
      command: "bookings",
      description: "Newest bookings: filters and paging",
    });
    expect((await h.send("/lang xx"))[0]!.payload.text).toBe("Interface language: /lang ru or /lang en");
  });

  it("/bookings: text, filters and paging buttons", async () => {
    expectScreen(await h.send("/bookings"), [
      "📋 <b>Bookings</b>",
      "Filter: <b>All</b> · 1–2 of 3",
      "",
      "⚪ New request · /b3 · 01.11.2026 12:02\nCid · @cid · id <code>3</code>\nВайб кодинг · 3-й поток",
      "",
      "🟡 Pending · /b2 · 01.11.2026 12:01\nBob · no @username · id <code>2</code>\nВайб кодинг · Stream 9",
    ], [
      ["✓ All 3", "⚪ New 1", "🟡 Pending 1"],
      ["🟢 Confirmed 1", "🔴 Cancelled 0"],
      ["·", "↻ Refresh", "Older ▶"],
    ]);
    const older = await h.press(h.lastSent(), "Older ▶");
    expect(older[0]!.payload.text).toContain("Filter: <b>All</b> · 3–3 of 3\n\n🟢 Confirmed · /b1 · 01.11.2026 12:00\nAnn · @ann · id <code>1</code>\nВайб кодинг · 3-й поток · 10% off (<code>FRIEND10</code>)");
  });

  it("a card and its confirmation", async () => {
    await h.send("/booking 2");
    const card = h.lastSent();
    expect(card.text).toBe(
      "<b>Booking #2</b>\n🟡 Pending\nCreated: 01.11.2026 12:01\n\n👤 Bob · no @username · id <code>2</code>\nFirst seen: 01.11.2026 12:01\nAll bookings of this student: /u2\n\n📚 Course: Вайб кодинг (#1)\n🗓 Stream: Stream 9 (<code>9th_stream</code>)\n💸 no discount",
    );
    expect(buttonRows(card.reply_markup)).toEqual([["🟢 Confirm", "🔴 Cancel"], ["↻ Refresh"], ["✉️ Write"]]);
    await h.press(card, "🟢 Confirm");
    const done = await h.press(h.lastSent(), "✅ Yes, confirm");
    expect(done[0]!.payload.text!.split("\n")[0]).toBe("✅ Done: 🟡 Pending → 🟢 Confirmed. A message to the student is on its way.");
    expect(done[0]!.payload.text).toContain("<b>History</b>\n");
    expect(done[0]!.payload.text).toContain("<b>Messages to the student</b>\n⏳ Confirmation · queued");
  });

  it("/stats, /health, /export and /templates", async () => {
    const stats = await h.send("/stats");
    expect(stats.map((c) => c.method)).toEqual(["sendPhoto", "sendMessage"]); // the chart, its summary as caption, then the courses
    expect(stats[0]!.payload.caption).toMatch(/^📊 <b>Statistics<\/b>\n\nBookings: 3 — 🟢 2 · 🟡 0 · ⚪ 1 · 🔴 0\nNew today: 3 · last 7 days: 3\nConfirmed of all bookings: 66\.7% · of those not cancelled: 66\.7%/);
    expect((await h.send("/health"))[0]!.payload.text).toMatch(/^✅ <b>All good<\/b>\nDatabase: reachable\nMigrations: \d+ of \d+\nMessage queue: 1 · oldest waiting: /);
    const exported = await h.send("/export confirmed");
    expect(exported.find((c) => c.method === "sendDocument")!.payload.caption).toBe("Bookings · Confirmed · 2");
    expect((await h.send("/templates"))[0]!.payload.text).toMatch(/^✉️ <b>Messages to students<\/b>\n\n<b>Confirmation<\/b> \(default\)/);
  });

  it("an admin whose Telegram is English gets English without asking; the other admin keeps Russian", async () => {
    expect((await h.send("/help", ENGLISH_ADMIN))[0]!.payload.text).toMatch(/^<b>What I can do<\/b>/);
    await h.send("/lang ru");
    expect((await h.send("/help"))[0]!.payload.text).toMatch(/^<b>Что я умею<\/b>/);
  });

  it("a student with English Telegram is addressed in Russian, like the messages admins write for them", async () => {
    const student: User = { id: 5_001, is_bot: false, first_name: "Kate", language_code: "en" };
    const calls = await h.send("/start", student);
    expectScreen(calls, ["Здравствуйте, Kate! 👋\nВыберите курс и поток, чтобы оставить заявку:"], [["Вайб кодинг · 8-й поток"], ["📋 Мои заявки"]]);
    expect((await h.send("/bookings", student))[0]!.payload.text).toBe("⛔ Эта команда только для администраторов.");
  });
});
