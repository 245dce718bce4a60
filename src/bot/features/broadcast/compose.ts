import { InlineKeyboard } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import type { Message } from "grammy/types";
import { createBroadcast, linkMarkup, setProgressMessage } from "../../../db/queries/broadcasts";
import type { LinkButton } from "../../../db/schema";
import { finishIfDone } from "../../../delivery/broadcasts";
import { broadcastWords } from "../../broadcast-words";
import { MAX_LABEL, MAX_LINK_ROWS, parseLinkButtons, parseSendTime } from "../../broadcast-input";
import { BROADCAST_ACTIONS, BROADCAST_QUIT } from "../../callback-data";
import type { BotContext, Deps, InnerContext } from "../../context";
import { nextInput, nextMessage } from "../../conversation-input";
import { formatCount, formatDateTime } from "../../format/values";
import type { Texts } from "../../i18n";
import { conversationPlugins } from "../../middleware";
import { TIMEOUT_MS, chooseAudience, type Chosen, type PresetAudience } from "./audience";

export const BROADCAST = "broadcast";

/** What a broadcast can be: what a copy carries as sent. (An animation is a document too: asked first.) */
const CONTENT = ["text", "photo", "video", "document"] as const;

type Conv = Conversation<BotContext, InnerContext>;
type Draft = { message: Pick<Message, "message_id" | "chat">; summary: string; buttons: LinkButton[]; sendAt: number | null };

/**
 * `/broadcast`: whom (audience.ts), what (any message: a copy of it is what each student gets),
 * then the message shown back as students will see it with a summary whose buttons add link
 * buttons, set a time, send, or cancel. Confirmed, it is saved (and, at once, queued) in one
 * transaction; a progress message follows a broadcast sent at once (a scheduled one gets it queued
 * when it starts: announceStart), and a report comes at the end.
 */
export function broadcastConversation(deps: Deps) {
  async function compose(conversation: Conv, ctx: InnerContext, preset?: PresetAudience) {
    const t = ctx.t;
    const chosen = await chooseAudience(conversation, ctx, deps, preset);
    if (!chosen) return;
    const content = await askContent(conversation, chosen.ctx, t);
    if (!content) return;
    const draft: Draft = { message: content.message, summary: historyText(content.message), buttons: [], sendAt: null };
    let summary = await preview(content.ctx, draft, chosen, { copy: true });
    for (;;) {
      const input = await nextInput(conversation, { timeoutMs: TIMEOUT_MS, on: summary, choices: [...Object.values(BROADCAST_ACTIONS), BROADCAST_QUIT] });
      if (input.kind === "cancel") return void (await input.ctx.reply(t.cancelled));
      if (input.kind === "text") {
        await input.ctx.reply(t.broadcast.useButtons);
        continue;
      }
      const press = input.ctx;
      await press.answerCallbackQuery();
      if (input.data === BROADCAST_QUIT) return void (await press.editMessageText(t.cancelled));
      if (input.data === BROADCAST_ACTIONS.now) {
        draft.sendAt = null;
        const shown = summaryOf(draft, chosen, t);
        await press.editMessageText(shown.text, { reply_markup: shown.keyboard });
        continue;
      }
      await press.editMessageReplyMarkup();
      if (input.data === BROADCAST_ACTIONS.send) return send(conversation, press, draft, chosen);
      if (input.data === BROADCAST_ACTIONS.buttons) {
        const asked = await askButtons(conversation, press, t);
        if (!asked) return;
        draft.buttons = asked.buttons;
        summary = await preview(asked.ctx, draft, chosen, { copy: true });
      } else {
        const asked = await askTime(conversation, press, deps);
        if (!asked) return;
        draft.sendAt = asked.sendAt;
        summary = await preview(asked.ctx, draft, chosen, { copy: false });
      }
    }
  }

  /** The summary under the preview: whom, how many, when; send (or schedule), link buttons, later (or at once), cancel. */
  function summaryOf(draft: Draft, chosen: Chosen, t: Texts) {
    const n = formatCount(chosen.recipients, t);
    const skipped = chosen.unreachable > 0 ? t.broadcast.skipped(chosen.unreachable) : "";
    const zone = deps.config.timeZone;
    const at = draft.sendAt === null ? undefined : formatDateTime(new Date(draft.sendAt), zone);
    const keyboard = new InlineKeyboard()
      .text(at === undefined ? t.broadcast.send(n) : t.broadcast.schedule(at), BROADCAST_ACTIONS.send)
      .row()
      .text(t.broadcast.linkButtons, BROADCAST_ACTIONS.buttons)
      .text(at === undefined ? t.broadcast.later : t.broadcast.now, at === undefined ? BROADCAST_ACTIONS.later : BROADCAST_ACTIONS.now)
      .row()
      .text(t.broadcast.cancel, BROADCAST_QUIT);
    return { text: t.broadcast.summary(chosen.label, n, skipped, at === undefined ? t.broadcast.atOnce : t.broadcast.at(at, zone)), keyboard };
  }

  /** The message itself as students will see it (a copy, with its link buttons), and the summary under it. */
  async function preview(ctx: InnerContext, draft: Draft, chosen: Chosen, options: { copy: boolean }) {
    if (options.copy) {
      await ctx.api.copyMessage(ctx.chat!.id, draft.message.chat.id, draft.message.message_id, draft.buttons.length > 0 ? { reply_markup: linkMarkup(draft.buttons) } : {});
    }
    const shown = summaryOf(draft, chosen, ctx.t);
    return ctx.reply(shown.text, { reply_markup: shown.keyboard });
  }

  async function send(conversation: Conv, press: InnerContext, draft: Draft, chosen: Chosen) {
    const t = press.t;
    const adminId = press.from!.id;
    const created = await conversation.external(async () => {
      const result = await createBroadcast(deps.db, {
        createdBy: adminId,
        audience: chosen.audience,
        audienceLabel: chosen.label,
        fromChatId: draft.message.chat.id,
        fromMessageId: draft.message.message_id,
        summary: draft.summary,
        buttons: draft.buttons,
        sendAt: draft.sendAt === null ? null : new Date(draft.sendAt),
      });
      deps.logger.info({ broadcast_id: result.id, message_id: result.started?.messageId, recipients: result.started?.recipients, send_at: draft.sendAt, admin_id: adminId }, "broadcast saved");
      if (result.started?.recipients === 0) await finishIfDone(deps.db, result.started.messageId, broadcastWords);
      return result;
    });
    if (!created.started) {
      await press.reply(t.broadcast.scheduled(formatDateTime(new Date(draft.sendAt!), deps.config.timeZone)));
      return;
    }
    const { messageId, recipients } = created.started;
    const n = (value: number) => formatCount(value, t);
    const progress = await press.reply(t.broadcast.progress(messageId, n(0), n(recipients), n(0), n(recipients)));
    await conversation.external(() => setProgressMessage(deps.db, messageId, progress.message_id));
  }

  return createConversation(compose, { id: BROADCAST, plugins: conversationPlugins(deps) });
}

/** The broadcast's content: one message of a kind a copy carries; anything else is said so and asked again. */
async function askContent(conversation: Conv, ctx: InnerContext, t: Texts) {
  await ctx.reply(t.broadcast.askContent);
  for (;;) {
    const input = await nextMessage(conversation, { timeoutMs: TIMEOUT_MS });
    if (input.kind === "cancel") return void (await input.ctx.reply(t.cancelled));
    const message = input.message;
    if (message.media_group_id !== undefined) await input.ctx.reply(t.broadcast.album);
    else if (message.animation !== undefined || !CONTENT.some((k) => message[k] !== undefined) || message.text?.trim() === "") await input.ctx.reply(t.broadcast.unsupported);
    else return { message, ctx: input.ctx };
  }
}

/** What the dashboard's history shows of it: the text or caption, or `[photo]` as it writes `[video]`. */
function historyText(message: Message): string {
  const text = message.text ?? message.caption;
  if (text) return text;
  return `[${CONTENT.find((k) => message[k] !== undefined) ?? "message"}]`;
}

/** Link buttons, typed one a line; a bad line is named and they are asked again. Null: the admin left. */
async function askButtons(conversation: Conv, press: InnerContext, t: Texts) {
  const ask = await press.reply(t.broadcast.askButtons(MAX_LINK_ROWS), { reply_markup: new InlineKeyboard().text(t.broadcast.noButtons, BROADCAST_ACTIONS.buttons) });
  for (;;) {
    const input = await nextInput(conversation, { timeoutMs: TIMEOUT_MS, on: ask, choices: [BROADCAST_ACTIONS.buttons] });
    if (input.kind === "cancel") {
      await input.ctx.reply(t.cancelled);
      return null;
    }
    if (input.kind === "choice") {
      await input.ctx.answerCallbackQuery();
      await input.ctx.editMessageReplyMarkup();
      return { buttons: [], ctx: input.ctx };
    }
    const parsed = parseLinkButtons(input.text);
    if ("buttons" in parsed) return { buttons: parsed.buttons, ctx: input.ctx };
    const p = parsed.problem;
    const words = t.broadcast.buttonsProblem;
    await input.ctx.reply(p.kind === "too-many" ? words.tooMany(MAX_LINK_ROWS) : p.kind === "label" ? words.label(p.line, MAX_LABEL) : words[p.kind](p.line));
  }
}

/** When to send it, typed in the display zone; a time gone or malformed is said so and asked again. Null: the admin left. */
async function askTime(conversation: Conv, press: InnerContext, deps: Deps) {
  const t = press.t;
  const zone = deps.config.timeZone;
  const now = () => conversation.external(() => deps.clock().getTime());
  await press.reply(t.broadcast.askWhen(zone, formatDateTime(new Date(await now()), zone)));
  for (;;) {
    const input = await nextInput(conversation, { timeoutMs: TIMEOUT_MS });
    if (input.kind === "cancel") {
      await input.ctx.reply(t.cancelled);
      return null;
    }
    if (input.kind !== "text") continue;
    const parsed = parseSendTime(input.text, { timeZone: zone, now: new Date(await now()) });
    if ("date" in parsed) return { sendAt: parsed.date.getTime(), ctx: input.ctx };
    await input.ctx.reply(t.broadcast.whenProblem[parsed.problem]!);
  }
}
