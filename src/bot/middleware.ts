import type { MiddlewareFn } from "grammy";
import type { Logger } from "../logger";
import type { InnerContext } from "./context";

/** Gives every update its own child logger, so each log line names the update it belongs to. */
export function withUpdateLogger(logger: Logger): MiddlewareFn<InnerContext> {
  return (ctx, next) => {
    ctx.log = logger.child({ update_id: ctx.update.update_id, chat_id: ctx.chat?.id, from_id: ctx.from?.id });
    return next();
  };
}
