import { Composer, InlineKeyboard } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { countAudience, createBroadcast, listAudienceGroups, setProgressMessage, type Audience } from "../../db/queries/broadcasts";
import { finishIfDone } from "../../delivery/broadcasts";
import { broadcastWords } from "../broadcast-words";
import { BROADCAST_PREVIEW, BROADCAST_QUIT, packBroadcastGroup, packBroadcastStatus, type BroadcastStatusCode } from "../callback-data";
import type { BotContext, Deps, Feature, InnerContext } from "../context";
import { formatCount, streamName } from "../format/values";
import { truncate } from "../format/html";
import { confirmedText, nextInput } from "../conversation-input";
import { enterConversation } from "../edit";
import { conversationPlugins } from "../middleware";

const BROADCAST = "broadcast";
const TIMEOUT_MS = 30 * 60_000;
const MAX_TEXT = 4000;

const STATUS_CHOICES: Array<[BroadcastStatusCode, Audience["status"]]> = [
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
      statusKeyboard.text(t.broadcast.audience[code]!, packBroadcastStatus(code));
      if (i % 2 === 1) statusKeyboard.row();
    });
    statusKeyboard.row().text(t.broadcast.cancel, BROADCAST_QUIT);
    const question = await ctx.reply(t.broadcast.whom, { reply_markup: statusKeyboard });

    /** A press of one of `choices` on the question; typing gets a pointer to the buttons. */
    async function choose(choices: string[]): Promise<{ data: string; ctx: InnerContext } | undefined> {
      for (;;) {
        const input = await nextInput(conversation, { timeoutMs: TIMEOUT_MS, on: question, choices: [...choices, BROADCAST_QUIT] });
        if (input.kind === "cancel") {
          await input.ctx.reply(t.cancelled);
          return undefined;
        }
        if (input.kind === "text") {
          await input.ctx.reply(t.broadcast.useButtons);
          continue;
        }
        await input.ctx.answerCallbackQuery();
        if (input.data !== BROADCAST_QUIT) return { data: input.data, ctx: input.ctx };
        await input.ctx.editMessageText(t.cancelled);
        return undefined;
      }
    }

    const statusPick = await choose(STATUS_CHOICES.map(([code]) => packBroadcastStatus(code)));
    if (!statusPick) return;
    const [statusCode, status] = STATUS_CHOICES.find(([code]) => packBroadcastStatus(code) === statusPick.data) ?? STATUS_CHOICES[0]!;
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
    groups.forEach((g, i) => groupKeyboard.text(truncate(g.label, 60), packBroadcastGroup(i)).row());
    groupKeyboard.text(t.broadcast.cancel, BROADCAST_QUIT);
    await statusPick.ctx.editMessageText(t.broadcast.where(statusLabel), { reply_markup: groupKeyboard });

    const groupPick = await choose(groups.map((_, i) => packBroadcastGroup(i)));
    if (!groupPick) return;
    const group = groups.find((_, i) => packBroadcastGroup(i) === groupPick.data) ?? groups[0]!;
    await groupPick.ctx.editMessageText(t.broadcast.chosen(statusLabel, group.label));
    const answer = await confirmedText(conversation, groupPick.ctx, {
      prompt: t.broadcast.askText(MAX_TEXT),
      timeoutMs: TIMEOUT_MS,
      buttons: BROADCAST_PREVIEW,
      problem: (text) => (text.length > MAX_TEXT ? t.broadcast.tooLong(MAX_TEXT, text.length) : undefined),
      preview: async (text) => {
        const counted = await conversation.external(() => countAudience(deps.db, group.audience));
        if (counted.recipients === 0) return { end: t.broadcast.nobody };
        const recipients = n(counted.recipients);
        const skipped = counted.unreachable > 0 ? t.broadcast.skipped(counted.unreachable) : "";
        return { text: t.broadcast.preview(recipients, skipped, text), confirm: t.broadcast.send(recipients), drop: t.broadcast.cancel };
      },
      left: t.cancelled,
    });
    if (!answer) return;
    const press = answer.ctx;
    await press.editMessageReplyMarkup();
    const adminId = press.from!.id;
    const created = await conversation.external(async () => {
      const result = await createBroadcast(deps.db, { audience: group.audience, text: answer.text, adminId });
      deps.logger.info({ broadcast_id: result.id, recipients: result.recipients, admin_id: adminId }, "broadcast queued");
      if (result.recipients === 0) await finishIfDone(deps.db, result.id, broadcastWords);
      return result;
    });
    await press.answerCallbackQuery({ text: t.broadcast.queued });
    const progress = await press.reply(t.broadcast.progress(created.id, n(0), n(created.recipients), n(0), n(created.recipients)));
    await conversation.external(() => setProgressMessage(deps.db, created.id, progress.message_id));
  }

  // Installed apart from the commands (see createBot): a waiting conversation sees updates first.
  const conversation = createConversation(compose, { id: BROADCAST, plugins: conversationPlugins(deps) });
  const feature = new Composer<BotContext>();
  feature.command("broadcast", (ctx) => enterConversation(ctx, BROADCAST));
  return { conversations: [conversation], composer: feature };
}
