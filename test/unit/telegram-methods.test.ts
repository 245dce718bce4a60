import { describe, expect, it } from "vitest";
import { chatIdOf } from "../../src/telegram/budgeted-fetch";
import { countedAs } from "../../src/telegram/methods";

describe("what Telegram's limits count", () => {
  it.each([
    ["sendMessage", "send"],
    ["sendPhoto", "send"],
    ["copyMessage", "send"],
    ["forwardMessages", "send"],
    ["editMessageText", "change"],
    ["editMessageMedia", "change"],
    ["deleteMessage", "change"],
    ["answerCallbackQuery", undefined],
    ["getUpdates", undefined],
    ["setMyCommands", undefined],
    ["sendChatAction", undefined],
  ])("%s counts as %s", (method, counted) => {
    expect(countedAs(method)).toBe(counted);
  });

  it("finds the chat in a JSON body and in grammY's multipart upload", () => {
    expect(chatIdOf(JSON.stringify({ chat_id: -1001234, text: '"chat_id":5' }))).toBe(-1001234);
    expect(chatIdOf(JSON.stringify({ callback_query_id: "1" }))).toBeUndefined();
    const multipart = Buffer.from('--b\r\ncontent-disposition:form-data; name=chat_id\r\n\r\n424242\r\n--b\r\ncontent-disposition:form-data; name=photo; filename=x.png\r\n\r\n\x89PNG\r\n--b--');
    expect(chatIdOf(multipart)).toBe(424242);
  });
});
