import { Composer } from "grammy";
import type { BotContext } from "../context";
import { texts } from "../texts";

export function helpFeature() {
  const feature = new Composer<BotContext>();
  feature.command(["help", "start"], (ctx) => ctx.reply(texts.help, { parse_mode: "HTML" }));
  return feature;
}
