import { Composer } from "grammy";
import type { BotContext, Feature } from "../context";

export function helpFeature(): Feature {
  const feature = new Composer<BotContext>();
  feature.command(["help", "start"], (ctx) => ctx.reply(ctx.t.help, { parse_mode: "HTML" }));
  return { composer: feature };
}
