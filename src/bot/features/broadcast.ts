import { Composer, InlineKeyboard } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { countAudience, createBroadcast, listAudienceGroups, setProgressMessage, type Audience } from "../../bookings/broadcast";
import { finishIfDone } from "../../delivery/broadcasts";
import type { BotContext, Deps, InnerContext } from "../context";
import { formatCount, streamName } from "../format/values";
import { truncate } from "../format/html";
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
export function broadcastFeature(deps: Deps) {
  async function compose(conversation: Conversation<BotContext, InnerContext>, ctx: InnerContext) {
    const t = ctx.t;
    const n = (value: number) => formatCount(value, t);
    const statusKeyboard = new InlineKeyboard();
    STATUS_CHOICES.forEach(([code], i) => {
      statusKeyboard.text(t.broadcast.audience[code]!, `bx:s:${code}`);
      if (i % 2 === 1) statusKeyboard.row();
    });
    statusKeyboard.row().text(t.broadcast.cancel, "bx:q");
    await ctx.reply(t.broadcast.whom, { reply_markup: statusKeyboard });

    /** Waits for one of our buttons; other buttons and updates pass on, commands end the conversation. */
    async function choose(prefix: string): Promise<{ data: string; ctx: InnerContext } | undefined> {
      for (;;) {
        const update = await conversation.wait({ maxMilliseconds: TIMEOUT_MS });
        const text = update.message?.text?.trim();
        if (text !== undefined && /^\/cancel(@\w+)?$/.test(text)) {
          await update.reply(t.cancelled);
          return undefined;
        }
        if (text?.startsWith("/")) await conversation.halt({ next: true });
        const data = update.callbackQuery?.data;
        if (data === "bx:q") {
          await update.answerCallbackQuery();
          await update.editMessageText(t.cancelled);
          return undefined;
        }
        if (data?.startsWith(prefix)) {
          await update.answerCallbackQuery();
          return { data: data.slice(prefix.length), ctx: update };
        }
        if (text !== undefined) await update.reply(t.broadcast.useButtons);
        else await conversation.skip({ next: true });
      }
    }

    const statusPick = await choose("bx:s:");
    if (!statusPick) return;
    const [statusCode, status] = STATUS_CHOICES.find(([code]) => code === statusPick.data) ?? STATUS_CHOICES[0]!;
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

    const groupPick = await choose("bx:g:");
    if (!groupPick) return;
    const group = groups[Number(groupPick.data)] ?? groups[0]!;
    await groupPick.ctx.editMessageText(t.broadcast.chosen(statusLabel, group.label));
    await groupPick.ctx.reply(t.broadcast.askText(MAX_TEXT));

    let text: string | undefined;
    let preview: { message_id: number } | undefined;
    let recipients = 0;
    for (;;) {
      const update = await conversation.wait({ maxMilliseconds: TIMEOUT_MS });
      const message = update.message?.text;
      const trimmed = message?.trim();
      if (trimmed !== undefined && /^\/cancel(@\w+)?$/.test(trimmed)) return update.reply(t.cancelled);
      if (trimmed?.startsWith("/")) await conversation.halt({ next: true });
      if (message !== undefined) {
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
      const data = update.callbackQuery?.data;
      const onPreview = preview && update.callbackQuery?.message?.message_id === preview.message_id;
      if (!onPreview || (data !== "bx:go" && data !== "bx:q")) await conversation.skip({ next: true });
      await update.editMessageReplyMarkup();
      if (data === "bx:q") {
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

  const feature = new Composer<BotContext>();
  feature.use(createConversation(compose, { id: BROADCAST, plugins: conversationPlugins(deps) }));
  feature.command("broadcast", (ctx) => ctx.conversation.enter(BROADCAST));
  return feature;
}
