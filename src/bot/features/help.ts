import { Composer } from "grammy";
import type { BotContext } from "../context";

export function helpFeature() {
  const feature = new Composer<BotContext>();
  feature.command(["help", "start"], (ctx) => ctx.reply(ctx.t.help, { parse_mode: "HTML" }));
  return feature;
}
