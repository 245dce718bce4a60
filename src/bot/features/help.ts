import { Composer } from "grammy";
import type { BotContext, Feature } from "../context";
import type { Texts } from "../i18n";

/** /help: every command's lines, in the order of the list of features. */
export const formatHelp = (commands: readonly (keyof Texts["help"]["lines"])[], t: Texts): string =>
  [t.help.title, "", ...commands.flatMap((c) => t.help.lines[c]), "", t.help.footer].join("\n");

export function helpFeature(commands: readonly (keyof Texts["help"]["lines"])[]): Feature {
  const feature = new Composer<BotContext>();
  feature.command(["help", "start"], (ctx) => ctx.reply(formatHelp(commands, ctx.t), { parse_mode: "HTML" }));
  return { composer: feature };
}
