import { describe, expect, it } from "vitest";
import { useBotFixture } from "../helpers/bot-fixture";

const { h } = useBotFixture();

describe("anything else an admin sends", () => {
  it("gets a pointer to /help", async () => {
    expect((await h.send("/frobnicate"))[0]!.payload.text).toBe("Неизвестная команда. Что я умею — /help");
    expect((await h.send("hello"))[0]!.payload.text).toBe("Не понял. Что я умею — /help");
  });

  it("/help and /start explain the bot", async () => {
    for (const command of ["/help", "/start"]) {
      const calls = await h.send(command);
      expect(calls[0]!.payload).toMatchObject({ parse_mode: "HTML" });
      expect(calls[0]!.payload.text).toMatch(/^<b>Что я умею<\/b>\n\n\/bookings — /);
    }
  });
});
