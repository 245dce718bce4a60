import { Composer, InlineKeyboard } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { countAudience, createBroadcast, listAudienceGroups, setProgressMessage, type Audience } from "../../bookings/broadcast";
import { finishIfDone } from "../../delivery/broadcasts";
import type { BotContext, Deps, Feature, InnerContext } from "../context";
import { formatCount, streamName } from "../format/values";
import { truncate } from "../format/html";
import { nextInput } from "../conversation-input";
import { enterConversation } from "../edit";
import { conversationPlugins } from "../middleware";

const BROADCAST = "broadcast";
const TIMEOUT_MS = 30 * 60_000;
const MAX_TEXT = 4000;

const STATUS_CHOICES: Array<[string, Audience["status"]]> = [
  ["c", 2],
  ["p", 1],
  ["n", 0],
  ["x", -1],
  ["a", "any"],
];

type Group = { label: string; audience: Audience };

/**
 * `/broadcast`: whom (a status, then a course or stream), what (the text), a preview with the
 * recipient count, one more press, then it is queued as one transaction. A message follows the
 * progress, and a report comes when the last student is done.
 */
export function broadcastFeature(deps: Deps): Feature {
  async function compose(conversation: Conversation<BotContext, InnerContext>, ctx: InnerContext) {
    const t = ctx.t;
    const n = (value: number) => formatCount(value, t);
    const statusKeyboard = new InlineKeyboard();
    STATUS_CHOICES.forEach(([code], i) => {
      statusKeyboard.text(t.broadcast.audience[code]!, `bx:s:${code}`);
      if (i % 2 === 1) statusKeyboard.row();
    });
    statusKeyboard.row().text(t.broadcast.cancel, "bx:q");
    const question = await ctx.reply(t.broadcast.whom, { reply_markup: statusKeyboard });

    /** A press of one of `choices` on the question; typing gets a pointer to the buttons. */
    async function choose(choices: string[]): Promise<{ data: string; ctx: InnerContext } | undefined> {
      for (;;) {
        const input = await nextInput(conversation, { timeoutMs: TIMEOUT_MS, on: question, choices: [...choices, "bx:q"] });
        if (input.kind === "cancel") {
          await input.ctx.reply(t.cancelled);
          return undefined;
        }
        if (input.kind === "text") {
          await input.ctx.reply(t.broadcast.useButtons);
          continue;
        }
        await input.ctx.answerCallbackQuery();
        if (input.data !== "bx:q") return { data: input.data, ctx: input.ctx };
        await input.ctx.editMessageText(t.cancelled);
        return undefined;
      }
    }

    const statusPick = await choose(STATUS_CHOICES.map(([code]) => `bx:s:${code}`));
    if (!statusPick) return;
    const [statusCode, status] = STATUS_CHOICES.find(([code]) => `bx:s:${code}` === statusPick.data) ?? STATUS_CHOICES[0]!;
    const statusLabel = t.broadcast.audience[statusCode]!;

    const groups: Group[] = await conversation.external(async () => {
      const found = await listAudienceGroups(deps.db, status);
      const total = await countAudience(deps.db, { status });
      return [
        { label: t.broadcast.everyone(n(total.recipients)), audience: { status } },
        ...found.courses.map((c) => ({
          label: t.broadcast.wholeCourse(c.courseName ?? (c.courseId === null ? "—" : t.courseNumber(c.courseId)), n(c.students)),
          audience: { status, ...(c.courseId === null ? {} : { courseId: c.courseId }) },
        })),
        ...found.streams
          .filter((s) => s.stream !== null && s.courseId !== null)
          .map((s) => ({
            label: t.broadcast.stream(s.courseName ?? t.courseNumber(s.courseId!), streamName(s.stream, s.streamTitle, t), n(s.students)),
            audience: { status, courseId: s.courseId!, stream: s.stream! },
          })),
      ].slice(0, 40);
    });
    const groupKeyboard = new InlineKeyboard();
    groups.forEach((g, i) => groupKeyboard.text(truncate(g.label, 60), `bx:g:${i}`).row());
    groupKeyboard.text(t.broadcast.cancel, "bx:q");
    await statusPick.ctx.editMessageText(t.broadcast.where(statusLabel), { reply_markup: groupKeyboard });

    const groupPick = await choose(groups.map((_, i) => `bx:g:${i}`));
    if (!groupPick) return;
    const group = groups[Number(groupPick.data.slice("bx:g:".length))] ?? groups[0]!;
    await groupPick.ctx.editMessageText(t.broadcast.chosen(statusLabel, group.label));
    await groupPick.ctx.reply(t.broadcast.askText(MAX_TEXT));

    let text: string | undefined;
    let preview: { message_id: number } | undefined;
    let recipients = 0;
    for (;;) {
      const input = await nextInput(conversation, { timeoutMs: TIMEOUT_MS, on: preview, choices: ["bx:go", "bx:q"] });
      const update = input.ctx;
      if (input.kind === "cancel") return update.reply(t.cancelled);
      if (input.kind === "text") {
        const message = input.text;
        if (message.length > MAX_TEXT) {
          await update.reply(t.broadcast.tooLong(MAX_TEXT, message.length));
          continue;
        }
        const counted = await conversation.external(() => countAudience(deps.db, group.audience));
        recipients = counted.recipients;
        if (recipients === 0) {
          await update.reply(t.broadcast.nobody);
          return;
        }
        text = message;
        const skipped = counted.unreachable > 0 ? t.broadcast.skipped(n(counted.unreachable)) : "";
        preview = await update.reply(t.broadcast.preview(n(recipients), skipped, message), {
          reply_markup: new InlineKeyboard().text(t.broadcast.send(n(recipients)), "bx:go").text(t.broadcast.cancel, "bx:q"),
        });
        continue;
      }
      await update.editMessageReplyMarkup();
      if (input.data === "bx:q") {
        await update.answerCallbackQuery();
        return update.reply(t.cancelled);
      }
      const adminId = update.from!.id;
      const created = await conversation.external(async () => {
        const result = await createBroadcast(deps.db, { audience: group.audience, text: text!, adminId });
        deps.logger.info({ broadcast_id: result.id, recipients: result.recipients, admin_id: adminId }, "broadcast queued");
        if (result.recipients === 0) await finishIfDone(deps.db, result.id);
        return result;
      });
      await update.answerCallbackQuery({ text: t.broadcast.queued });
      const progress = await update.reply(t.broadcast.progress(created.id, n(0), n(created.recipients), n(0), n(created.recipients)));
      await conversation.external(() => setProgressMessage(deps.db, created.id, progress.message_id));
      return;
    }
  }

  // Installed apart from the commands (see createBot): a waiting conversation sees updates first.
  const conversation = createConversation(compose, { id: BROADCAST, plugins: conversationPlugins(deps) });
  const feature = new Composer<BotContext>();
  feature.command("broadcast", (ctx) => enterConversation(ctx, BROADCAST));
  return { conversations: [conversation], composer: feature };
}
