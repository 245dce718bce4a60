import { Composer } from "grammy";
import type { BotContext, Feature } from "../context";

/** Goes last: whatever no feature took still gets an answer, and every callback is answered. */
export function unhandledFeature(): Feature {
  const feature = new Composer<BotContext>();
  feature.on("callback_query", async (ctx) => {
    ctx.log.info({ data: ctx.callbackQuery.data }, "unknown or stale button");
    await ctx.answerCallbackQuery({ text: ctx.t.staleButton });
  });
  feature.on("message::bot_command", (ctx) => ctx.reply(ctx.t.unknownCommand));
  feature.on("message", (ctx) => ctx.reply(ctx.t.notUnderstood));
  return { composer: feature };
}
