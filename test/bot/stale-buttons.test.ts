import { describe, expect, it } from "vitest";
import { countBookingsByStatus } from "../../src/db/queries/bookings";
import { useBotFixture } from "../helpers/bot-fixture";
import { addBookings } from "../helpers/fixtures";
import { createHarness } from "../helpers/harness";

const { database, h } = useBotFixture({
  env: { PAGE_SIZE: "2" },
  seed: ({ db }) => addBookings(db, Array.from({ length: 5 }, (_, i) => ({ confirmed: ([0, 1, 2, -1] as const)[i % 4] }))),
});

const STALE = "Эта кнопка устарела. Откройте список заново: /bookings";
/** The hash @grammyjs/menu put on every button of a list sent while the list was a menu. */
const MENU_ERA_HASH = "f\u0004\u0004\uFFFDQ";

describe("stale and forged buttons", () => {
  it("each get a short notice, the message stays as it is, and no data changes", async () => {
    await h.send("/bookings");
    const message = h.lastSent();
    const before = await countBookingsByStatus(database.db, {});

    const forged = [
      "garbage",
      "",
      "x".repeat(64),
      "l:",
      "l:DROP TABLE bookings",
      "l:a.a.o.1.0",
      "l:a.q",
      "l:a.a.o.01.1",
      "L:a.a",
      "bk/0/0/a.a/fAAAA",
      `bk/0/0/a.a/h${MENU_ERA_HASH.slice(1)}`,
      `bk/0/0/DROP TABLE bookings/${MENU_ERA_HASH}`,
      `bk/0/0/a.a.o.1.0/${MENU_ERA_HASH}`,
      `bk/0/0/a.q/${MENU_ERA_HASH}`,
      `bk/9/9/a.a/${MENU_ERA_HASH}`,
      `bk/1/2/a.a/${MENU_ERA_HASH}`,
      `bk/-1/0/a.a/${MENU_ERA_HASH}`,
      // A list button from when the list was a menu: the plugin's format is not ours to read.
      `bk/2/2/a.a.o.2.4/${MENU_ERA_HASH}`,
      "other-menu/0/0/x/fABCD",
    ];
    for (const data of forged) {
      const calls = await h.pressData(message, data);
      expect(calls, data).toHaveLength(1);
      expect(calls[0], data).toMatchObject({ method: "answerCallbackQuery", payload: { text: STALE } });
    }
    expect(await countBookingsByStatus(database.db, {})).toEqual(before);
  });

  it("a well-formed payload pointing nowhere falls back to something true", async () => {
    await h.send("/bookings");
    const message = h.lastSent();

    const vanished = await h.pressData(message, "l:a.a.o.5.zzzzz");
    expect(vanished[0]!.payload.text).toContain("Фильтр: <b>Все</b> · 1–2 из 5");

    const nobody = await h.pressData(message, "l:u1.a");
    expect(nobody.map((c) => [c.method, c.payload.text])).toEqual([
      ["editMessageText", "Нет заявок для id 1."],
      ["answerCallbackQuery", undefined],
    ]);
  });

  it("buttons of a message sent before a restart still work", async () => {
    await h.send("/bookings");
    const message = h.lastSent();
    const restarted = await createHarness(database.db, { PAGE_SIZE: "2" });
    try {
      const calls = await restarted.pressData(
        message,
        (message.reply_markup!.inline_keyboard[2]![2]! as { callback_data: string }).callback_data,
      );
      expect(calls[0]!.method).toBe("editMessageText");
    } finally {
      await restarted.close();
    }
  });
});
