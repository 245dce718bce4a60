import { describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawExec } from "../helpers/db";
import { BASE_TIME, addBookings } from "../helpers/fixtures";
import { buttonRows, type Harness } from "../helpers/harness";
import { ADMIN } from "../helpers/updates";
import { expectScreen } from "../helpers/screens";

// /courses and /coupons for an admin whose Telegram is in English.
const EMMA: User = { id: 1003, is_bot: false, first_name: "Emma", language_code: "en-GB" };
const { h } = useBotFixture({
  course: false,
  env: { ADMIN_IDS: `${ADMIN.id},${EMMA.id}` },
  clock: () => BASE_TIME,
  seed: async (database) => {
    await rawExec(database, "INSERT INTO courses (id, name, price_usd_cents, is_active) VALUES (1, 'Vibe coding', 9900, true)");
    await rawExec(database, "DELETE FROM streams WHERE code <> '8th_stream'; UPDATE streams SET course_id = 1, starts_at = '2026-12-01T16:00:00Z' WHERE code = '8th_stream'");
    await addBookings(database.db, [{ userId: 7, courseStream: "8th_stream", confirmed: 1 }]);
  },
});

type Calls = Awaited<ReturnType<Harness["send"]>>;
const texts = (calls: Calls) => calls.filter((c) => c.payload.text !== undefined).map((c) => c.payload.text);
const send = (text: string) => h.send(text, EMMA);
const press = (label: string) => h.press(h.lastSent(EMMA.id), label, EMMA);

describe("in English", () => {
  it("/courses: the overview, a stream, opening enrolment", async () => {
    const calls = await send("/courses");
    expectScreen(calls, [
      "📚 <b>Courses and streams</b>",
      "",
      "<b>Vibe coding</b> · #1 · 🟢 active",
      "Price: $99.00",
      "🔒 <b>8-й поток</b> · <code>8th_stream</code> · starts 01.12.2026 · ⚪ 0 · 🟡 1 · 🟢 0",
      "",
      "🔓 enrolment open · 🔒 closed · ⚪ new · 🟡 pending · 🟢 confirmed bookings",
    ]);
    expect(buttonRows(calls[0]!.payload.reply_markup)).toEqual([["📚 Vibe coding"]]);
    const course = await press("📚 Vibe coding");
    expectScreen(course, [
      "📚 <b>Vibe coding</b> · #1 · 🟢 active",
      "Status: 🟢 active — students see its open streams in /start",
      "Price: $99.00",
      "",
      "<b>Streams</b>",
      "🔒 <b>8-й поток</b> · <code>8th_stream</code> · starts 01.12.2026 · ⚪ 0 · 🟡 1 · 🟢 0",
    ]);
    expect(buttonRows(course[0]!.payload.reply_markup)).toEqual([["🔒 8-й поток"], ["✏️ Rename", "⏸ Deactivate"], ["➕ New stream"], ["↩ All courses"]]);
    const stream = await press("🔒 8-й поток");
    expectScreen(stream, ["🗓 <b>8-й поток</b> · <code>8th_stream</code>\nCourse: Vibe coding\nStarts: 01.12.2026 19:00\nEnrolment: 🔒 closed\nBookings: ⚪ 0 · 🟡 1 · 🟢 0"], [["🔓 Open enrolment"], ["📅 Start date", "✏️ Rename"], ["↩ To the course"]]);
    const question = await press("🔓 Open enrolment");
    expect(question[0]!.payload.text).toMatch(/\n\n❓ Open enrolment for “8-й поток”\? Students will see it in \/start\.$/);
    expect(buttonRows(question[0]!.payload.reply_markup)).toEqual([["🔓 Yes, open", "↩ Back"]]);
    const done = await press("🔓 Yes, open");
    expect(done[0]!.payload.text).toMatch(/^✅ Enrolment is open: students see the stream in \/start\.\n\n.*\nEnrolment: 🔓 open\n/s);
    expect(done[1]!.payload).toMatchObject({ text: "Done" });
  });

  it("/courses: a new stream, with every refusal in English", async () => {
    await send("/courses");
    await press("📚 Vibe coding");
    const ask = await press("➕ New stream");
    expect(ask[1]!.payload.text).toBe(
      "➕ New stream of “Vibe coding”.\nCode: I suggest <code>9th_stream</code> — press the button or send your own (Latin letters, digits, _ and -, up to 50 characters). /cancel to stop.",
    );
    expect(texts(await send("8th_stream"))).toEqual(["The code <code>8th_stream</code> is taken. Send it again or /cancel."]);
    expect(texts(await send("a b"))).toEqual(["A code is up to 50 characters: Latin letters, digits, _ and -. Send it again or /cancel."]);
    expect(texts(await send("9th_stream"))).toEqual(["Title: I suggest “9-й поток” — press the button or send your own (up to 50 characters)."]);
    expect(texts(await send("W".repeat(51)))).toEqual(["The title is longer than 50 characters (51). Send it again or /cancel."]);
    expect(texts(await send("Winter stream"))).toEqual(["Start date: DD.MM.YYYY, e.g. 15.01.2027 (a time may follow: 15.01.2027 19:00)."]);
    expect(texts(await send("2027-01-15"))).toEqual(["That is not a date: use DD.MM.YYYY, e.g. 15.01.2027. Send it again or /cancel."]);
    expect(texts(await send("01.01.2020"))).toEqual(["That date has passed: a start cannot be in the past. Send it again or /cancel."]);
    expect(texts(await send("31.04.2027"))).toEqual(["There is no such date in the calendar. Send it again or /cancel."]);
    expect(texts(await send("01.01.2099"))).toEqual(["The date is more than 5 years ahead — check the year. Send it again or /cancel."]);
    const confirm = await send("15.01.2027");
    expectScreen(confirm, ["Add the stream <code>9th_stream</code> “Winter stream” to “Vibe coding”, starting 15.01.2027 00:00?"], [["🔓 Add and open enrolment"], ["🔒 Add, enrolment closed"], ["✖️ Cancel"]]);
    const added = await press("🔓 Add and open enrolment");
    expect(added[2]!.payload.text).toBe(
      "✅ The stream is added, enrolment open: students see it in /start.\n\n🗓 <b>Winter stream</b> · <code>9th_stream</code>\nCourse: Vibe coding\nStarts: 15.01.2027 00:00\nEnrolment: 🔓 open\nBookings: ⚪ 0 · 🟡 0 · 🟢 0",
    );
    const rename = await press("✏️ Rename");
    expect(rename[1]!.payload.text).toBe("Send the new title of the stream “Winter stream” (up to 50 characters). /cancel to stop.");
    expect(texts(await send("Winter <2027>"))).toEqual(["Rename the stream “Winter stream” to “Winter &lt;2027&gt;”?"]);
    expect(texts(await press("✖️ Keep it"))).toEqual(["Nothing was changed."]);
  });

  it("/coupons: the empty list, creating one, its card, switching it off", async () => {
    const empty = await send("/coupons");
    expectScreen(empty, ["🎟 <b>Coupons</b>\nNo coupons yet."], [["➕ New coupon"]]);
    const ask = await press("➕ New coupon");
    expect(ask[1]!.payload.text).toBe("➕ New coupon. Discount and activations — as in the main bot, or your own (send e.g. “15 30”). /cancel to stop.");
    expect(buttonRows(ask[1]!.payload.reply_markup)).toEqual([["10% × 50", "20% × 20", "30% × 10"], ["50% × 5", "100% × 1"], ["✍️ Own values", "✖️ Cancel"]]);
    expect(texts(await press("✍️ Own values"))).toEqual(["Send the discount in percent and the number of activations, separated by a space, e.g.: 15 30."]);
    expect(texts(await send("150 3"))).toEqual(["The discount is 1 to 100 %. Send it again or /cancel."]);
    expect(texts(await send("15 0"))).toEqual(["Activations: 1 to 100,000. Send it again or /cancel."]);
    expect(texts(await send("15 x"))).toEqual(["Two numbers are needed: the discount (1–100) and the activations, e.g. 15 30. Send it again or /cancel."]);
    expect(texts(await send("15 3"))).toEqual(["Name (who the coupon is for) — send it, up to 64 characters, or press “No name”."]);
    expect(texts(await send("N".repeat(65)))).toEqual(["The name is longer than 64 characters (65). Send it again or /cancel."]);
    expect(texts(await send("Partners"))).toEqual(["Code: 8 characters, Latin letters A–Z and digits 0–9. Send your own or press “Generate”."]);
    expect(texts(await send("SHORT"))).toEqual(["A code is exactly 8 characters: Latin letters A–Z and digits 0–9. Send it again or /cancel."]);
    expect(texts(await send("partner1"))).toEqual(["Create the coupon <code>PARTNER1</code> “Partners”: 15% off, activations: 3?"]);
    const created = await press("✅ Create");
    expect(String(created[2]!.payload.text).replace(/Created: [\d.: ]+/, "Created: …")).toBe(
      [
        "✅ The coupon is created.",
        "",
        "🎟 <b>Coupon <code>PARTNER1</code></b>",
        "Name: Partners",
        "Discount: 15%",
        "Activations: 0 of 3 (3 left)",
        "Status: 🟢 valid",
        "Created: …· admin id 1003",
        "Link: https://t.me/bookings_admin_bot?start=ref_PARTNER1",
        "No bookings with this coupon yet.",
      ].join("\n"),
    );
    expect(buttonRows(created[2]!.payload.reply_markup)).toEqual([["⛔ Switch off"], ["↩ To the list"]]);
    const question = await press("⛔ Switch off");
    expect(question[0]!.payload.text).toMatch(/\n\n❓ Switch off the coupon <code>PARTNER1<\/code>\? Students can no longer use it; discounts given stay\.$/);
    const off = await press("⛔ Yes, switch off");
    expect(off[0]!.payload.text).toMatch(/^✅ The coupon is switched off\.\n\n.*\nStatus: ⚫ switched off\n/s);
    const list = await press("↩ To the list");
    expect(list[0]!.payload.text).toBe(
      "🎟 <b>Coupons</b> · 1–1 of 1\n\n<code>PARTNER1</code> · 15% · 0/3 · ⚫ · Partners\n\n🟢 valid · 🟡 no activations left · ⚫ switched off",
    );
  });

  it("/help and the command menu list /courses and /coupons in both languages", async () => {
    const en = String((await send("/help"))[0]!.payload.text);
    expect(en).toContain("/courses — courses and streams: open or close enrolment, new stream, dates, names\n/coupons — coupons: list, create, link, bookings, switch off");
    const ru = String((await h.send("/help"))[0]!.payload.text);
    expect(ru).toContain("/courses — курсы и потоки: открыть или закрыть запись, новый поток, даты, названия\n/coupons — промокоды: список, создать, ссылка, заявки, выключить");
  });
});
