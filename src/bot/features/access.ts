import { Composer } from "grammy";
import type { BotContext } from "../context";
import { texts } from "../texts";

/**
 * For everyone not in ADMIN_IDS: one short refusal, no data, no database query. Callback
 * presses (forged or forwarded) are answered and refused too.
 */
export function refuseNonAdmins() {
  const feature = new Composer<BotContext>();
  feature.on("callback_query", async (ctx) => {
    ctx.log.warn({ data: ctx.callbackQuery.data }, "button press by a non-admin refused");
    await ctx.answerCallbackQuery({ text: texts.notAdminButton });
  });
  feature.chatType("private").on("message", async (ctx) => {
    ctx.log.info("message from a non-admin refused");
    await ctx.reply(texts.notAdmin);
  });
  return feature;
}
