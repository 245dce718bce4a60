import { Composer, InlineKeyboard } from "grammy";
import { broadcastOfHistory, cancelScheduled, listScheduled, recallBroadcast, recallCounts, startScheduledNow } from "../../../db/queries/broadcasts";
import { announceStart, finishRecallIfDone } from "../../../delivery/broadcasts";
import { broadcastWords } from "../../broadcast-words";
import { packRecall, parseRecall, parseScheduled } from "../../callback-data";
import type { BotContext, Deps, Feature, InnerContext } from "../../context";
import { editButtonsInPlace, editInPlace, enterConversation } from "../../edit";
import { formatScheduled } from "../../format/broadcast";
import { formatCount } from "../../format/values";
import { BROADCAST, broadcastConversation } from "./compose";

/** Scheduled broadcasts listed at once; more wait their turn (the list shows the soonest). */
const SCHEDULED_SHOWN = 10;

/**
 * `/broadcast`: what is scheduled (each can be sent now or cancelled), then a new broadcast
 * (compose.ts). A report's "🗑 Delete from chats" asks once more, then deletes every copy
 * delivered within Telegram's 48 hours through the outbox (the sending budget's pace), and a
 * report of how many went follows. Every button carries its broadcast: it works after a restart,
 * and a second press (or a second admin) finds it done.
 */
export function broadcastFeature(deps: Deps): Feature {
  const feature = new Composer<BotContext>();

  async function scheduledScreen(ctx: InnerContext) {
    return formatScheduled(await listScheduled(deps.db, SCHEDULED_SHOWN), deps.config.timeZone, ctx.t);
  }

  feature.command("broadcast", async (ctx) => {
    const scheduled = await listScheduled(deps.db, SCHEDULED_SHOWN);
    if (scheduled.length > 0) {
      const screen = formatScheduled(scheduled, deps.config.timeZone, ctx.t);
      await ctx.reply(screen.text, { parse_mode: "HTML", ...(screen.keyboard ? { reply_markup: screen.keyboard } : {}) });
    }
    await enterConversation(ctx, BROADCAST);
  });

  feature.callbackQuery(/^bs:/, async (ctx) => {
    const t = ctx.t;
    const data = parseScheduled(ctx.callbackQuery.data);
    if (!data) return ctx.answerCallbackQuery({ text: t.broadcast.scheduledGone });
    if (data.op === "cancel") {
      const cancelled = await cancelScheduled(deps.db, data.id);
      ctx.log.info({ broadcast_id: data.id, cancelled, admin_id: ctx.from.id }, "scheduled broadcast cancelled");
      await answerAndRefresh(ctx, cancelled ? t.broadcast.scheduledCancelled : t.broadcast.scheduledGone);
      return;
    }
    // Its progress message goes to the admin who created it (maybe not the one pressing), queued as the scheduler's is.
    const started = await startScheduledNow(deps.db, data.id, announceStart(broadcastWords));
    if (started) {
      ctx.log.info({ broadcast_id: data.id, message_id: started.messageId, recipients: started.recipients, admin_id: ctx.from.id }, "scheduled broadcast sent now");
    }
    await answerAndRefresh(ctx, started ? t.broadcast.scheduledStarted : t.broadcast.scheduledGone);
  });

  async function answerAndRefresh(ctx: InnerContext, answer: string) {
    const screen = await scheduledScreen(ctx);
    await editInPlace(ctx, screen.text, { parse_mode: "HTML", ...(screen.keyboard ? { reply_markup: screen.keyboard } : {}) });
    await ctx.answerCallbackQuery({ text: answer });
  }

  feature.callbackQuery(/^br:/, async (ctx) => {
    const t = ctx.t;
    const data = parseRecall(ctx.callbackQuery.data);
    const broadcast = data && (await broadcastOfHistory(deps.db, data.messageId));
    if (!data || !broadcast) return ctx.answerCallbackQuery({ text: t.broadcast.recallGone });
    const ask = new InlineKeyboard().text(t.broadcast.recall, packRecall({ op: "ask", messageId: data.messageId }));
    if (data.op === "keep") {
      await editButtonsInPlace(ctx, ask);
      return ctx.answerCallbackQuery({ text: t.broadcast.recallKept });
    }
    if (data.op === "ask") {
      if (broadcast.recalledBy !== null) return ctx.answerCallbackQuery({ text: t.broadcast.recallAlready });
      const { delivered, deleted } = await recallCounts(deps.db, data.messageId);
      const confirm = new InlineKeyboard()
        .text(t.broadcast.recallYes(formatCount(delivered - deleted, t)), packRecall({ op: "yes", messageId: data.messageId }))
        .text(t.broadcast.recallKeep, packRecall({ op: "keep", messageId: data.messageId }));
      await editButtonsInPlace(ctx, confirm);
      return ctx.answerCallbackQuery({ text: t.broadcast.recallAsk, show_alert: true });
    }
    const recall = await recallBroadcast(deps.db, data.messageId, ctx.from.id);
    ctx.log.info({ message_id: data.messageId, ...recall, admin_id: ctx.from.id }, "broadcast recall asked");
    await editButtonsInPlace(ctx);
    if (!recall || recall.already) return ctx.answerCallbackQuery({ text: t.broadcast.recallAlready });
    if (recall.queued === 0) {
      // Nothing young enough to delete: the recall is over as it starts, and its report says so.
      await deps.db.transaction((tx) => finishRecallIfDone(tx, data.messageId, broadcastWords));
      return ctx.answerCallbackQuery({ text: t.broadcast.recallNothing, show_alert: true });
    }
    return ctx.answerCallbackQuery({ text: t.broadcast.recallQueued(formatCount(recall.queued, t)) });
  });

  return { conversations: [broadcastConversation(deps)], composer: feature };
}
