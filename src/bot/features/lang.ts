import { Composer } from "grammy";
import { setAdminCommands } from "../commands";
import type { BotContext, Deps, Feature } from "../context";
import { LANGS, TEXTS, type Lang, type Texts } from "../i18n";
import { languageStore } from "../language";

/** `/lang ru|en` — the admin's interface language, remembered; their command menu follows. */
export function langFeature(deps: Deps, commands: readonly (keyof Texts["commands"])[]): Feature {
  const store = languageStore(deps.db);
  const feature = new Composer<BotContext>();
  feature.command("lang", async (ctx) => {
    const wanted = ctx.match.trim().toLowerCase();
    if (!LANGS.includes(wanted as Lang)) return ctx.reply(ctx.t.lang.usage);
    const lang = wanted as Lang;
    await store.set(ctx.from!.id, lang);
    ctx.lang = lang;
    ctx.t = TEXTS[lang];
    ctx.log.info({ lang }, "interface language chosen");
    await ctx.reply(ctx.t.lang.set);
    await setAdminCommands(ctx.api, ctx.from!.id, ctx.t, commands).catch((err) => ctx.log.warn({ err }, "could not update the command menu"));
  });
  return { composer: feature };
}
