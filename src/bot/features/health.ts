import { Composer } from "grammy";
import { checkHealth } from "../../db/health";
import { migrationsFolder } from "../../db/migrate";
import type { BotContext, Deps, Feature } from "../context";
import { formatHealth } from "../format/health";

/** `/health` — database, migrations, message queue, last delivery error. */
export function healthFeature(deps: Deps): Feature {
  const feature = new Composer<BotContext>();
  feature.command("health", async (ctx) => {
    const report = await checkHealth(deps.db, { migrationsFolder: migrationsFolder(), logger: ctx.log });
    await ctx.reply(formatHealth(report, ctx.t), { parse_mode: "HTML" });
  });
  return { composer: feature };
}
