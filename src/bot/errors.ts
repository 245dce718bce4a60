import { BotError, GrammyError, type Context } from "grammy";
import type { Logger } from "../logger";
import { isDatabaseUnavailable } from "../db/errors";
import { TEXTS } from "./i18n";


/**
 * The error boundary: the admin gets one short, generic line (never the error's text), the log
 * gets the detail, and the bot goes on with the next update.
 */
export function createErrorHandler(logger: Logger) {
  return async (err: BotError<Context>) => {
    const ctx = err.ctx;
    const unavailable = isDatabaseUnavailable(err.error);
    const log = logger.child({ update_id: ctx.update.update_id });
    log.error({ err: err.error, databaseUnavailable: unavailable }, "update failed");
    const t = (ctx as Context & { t?: (typeof TEXTS)["ru"] }).t ?? TEXTS.ru;
    const notice = unavailable ? t.databaseUnavailable : t.somethingWentWrong;
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: notice, show_alert: unavailable });
      else if (ctx.chat) await ctx.reply(notice);
    } catch (sendError) {
      // A callback may already have been answered; Telegram then refuses a second answer.
      log.warn({ err: sendError, error_code: sendError instanceof GrammyError ? sendError.error_code : undefined }, "could not report the failure");
    }
  };
}
