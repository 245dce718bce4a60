import type { MiddlewareFn } from "grammy";
import type { Logger } from "../logger";
import type { Deps, InnerContext } from "./context";
import { languageStore, withLanguage } from "./language";

/** Gives every update its own child logger, so each log line names the update it belongs to. */
export function withUpdateLogger(logger: Logger): MiddlewareFn<InnerContext> {
  return (ctx, next) => {
    ctx.log = logger.child({ update_id: ctx.update.update_id, chat_id: ctx.chat?.id, from_id: ctx.from?.id });
    return next();
  };
}

/** What every conversation's own context needs too: the update's logger and the reader's language. */
export function conversationPlugins(deps: Deps): MiddlewareFn<InnerContext>[] {
  return [withUpdateLogger(deps.logger), withLanguage(languageStore(deps.db), new Set(deps.config.adminIds))];
}
