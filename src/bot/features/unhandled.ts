import { Composer } from "grammy";
import type { BotContext } from "../context";
import { texts } from "../texts";

/** Goes last: whatever no feature took still gets an answer, and every callback is answered. */
export function unhandledFeature() {
  const feature = new Composer<BotContext>();
  feature.on("callback_query", async (ctx) => {
    ctx.log.info({ data: ctx.callbackQuery.data }, "unknown or stale button");
    await ctx.answerCallbackQuery({ text: texts.staleButton });
  });
  feature.on("message::bot_command", (ctx) => ctx.reply(texts.unknownCommand));
  feature.on("message", (ctx) => ctx.reply(texts.notUnderstood));
  return feature;
}
