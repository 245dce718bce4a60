import { describe, expect, it } from "vitest";
import { useBotWithoutDatabase } from "../helpers/bot-fixture";
import { ADMIN, STRANGER, messageUpdate } from "../helpers/updates";

// The database behind this bot is unreachable: had the bot read anything for a non-admin,
// the answer would be "database unavailable" instead of the refusal.
const { h } = useBotWithoutDatabase();

describe("non-admins", () => {
  it.each(["/bookings", "/user 1001", "/booking 1", "/b1", "/u1", "/templates", "/broadcast"])(
    "get one short refusal for the admin command %s",
    async (text) => {
      const calls = await h.send(text, STRANGER);
      expect(calls).toEqual([
        { method: "sendMessage", payload: { chat_id: STRANGER.id, text: "⛔ Эта команда только для администраторов." } },
      ]);
    },
  );

  it("hear that what they write cannot be passed on while the database is down", async () => {
    const calls = await h.send("hello", STRANGER);
    expect(calls).toEqual([{ method: "sendMessage", payload: { chat_id: STRANGER.id, text: "⚠️ База данных недоступна. Попробуйте через минуту." } }]);
  });

  it.each(["/help", "/whatever"])("get a pointer to /start for %s", async (text) => {
    const calls = await h.send(text, STRANGER);
    expect(calls).toEqual([
      {
        method: "sendMessage",
        payload: { chat_id: STRANGER.id, text: "Чтобы записаться на курс или посмотреть свои заявки, нажмите /start" },
      },
    ]);
  });

  it("have their button presses refused, even with data of a real button", async () => {
    const message = { message_id: 5, date: 0, chat: { id: STRANGER.id, type: "private" as const, first_name: "M" } };
    for (const data of ["l:a.a", "bk/0/0/a.a/f\u0004\u0004�Q", "c:d:c:1:0", "c:s:1", "anything"]) {
      const calls = await h.pressData(message, data, STRANGER);
      expect(calls).toEqual([
        { method: "answerCallbackQuery", payload: expect.objectContaining({ text: "⛔ Нет доступа" }) },
      ]);
    }
  });

  it("are left alone in groups, as is everyone: the bot works in private chats only", async () => {
    const inGroup = messageUpdate("/bookings", ADMIN);
    (inGroup.message as { chat: unknown }).chat = { id: -100123, type: "supergroup", title: "Team" };
    const before = h.api.calls.length;
    await h.bot.handleUpdate(inGroup);
    expect(h.api.calls.length).toBe(before);
  });
});
