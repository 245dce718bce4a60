import { Composer, InlineKeyboard } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { countAudience, createBroadcast, listAudienceGroups, setProgressMessage, type Audience } from "../../bookings/broadcast";
import { finishIfDone } from "../../delivery/broadcasts";
import type { BotContext, Deps, InnerContext } from "../context";
import { formatCount, streamName } from "../format/values";
import { truncate } from "../format/html";
import { withUpdateLogger } from "../middleware";
import { texts } from "../texts";

const BROADCAST = "broadcast";
const TIMEOUT_MS = 30 * 60_000;
const MAX_TEXT = 4000;

const STATUS_CHOICES: Array<[string, Audience["status"], string]> = [
  ["c", 2, "🟢 Подтверждённые"],
  ["p", 1, "🟡 В ожидании"],
  ["n", 0, "⚪ Новые"],
  ["x", -1, "🔴 Отменённые"],
  ["a", "any", "Все студенты с заявками"],
];

type Group = { label: string; audience: Audience };

/**
 * `/broadcast`: whom (a status, then a course or stream), what (the text), a preview with the
 * recipient count, one more press, then it is queued as one transaction. A message follows the
 * progress, and a report comes when the last student is done.
 */
export function broadcastFeature(deps: Deps) {
  async function compose(conversation: Conversation<BotContext, InnerContext>, ctx: InnerContext) {
    const statusKeyboard = new InlineKeyboard();
    STATUS_CHOICES.forEach(([code, , label], i) => {
      statusKeyboard.text(label, `bx:s:${code}`);
      if (i % 2 === 1) statusKeyboard.row();
    });
    statusKeyboard.row().text("✖️ Отмена", "bx:q");
    await ctx.reply("📨 Рассылка. Кому отправить?", { reply_markup: statusKeyboard });

    /** Waits for one of our buttons; other buttons and updates pass on, commands end the conversation. */
    async function choose(prefix: string): Promise<{ data: string; ctx: InnerContext } | undefined> {
      for (;;) {
        const update = await conversation.wait({ maxMilliseconds: TIMEOUT_MS });
        const text = update.message?.text?.trim();
        if (text !== undefined && /^\/cancel(@\w+)?$/.test(text)) {
          await update.reply(texts.cancelled);
          return undefined;
        }
        if (text?.startsWith("/")) await conversation.halt({ next: true });
        const data = update.callbackQuery?.data;
        if (data === "bx:q") {
          await update.answerCallbackQuery();
          await update.editMessageText(texts.cancelled);
          return undefined;
        }
        if (data?.startsWith(prefix)) {
          await update.answerCallbackQuery();
          return { data: data.slice(prefix.length), ctx: update };
        }
        if (text !== undefined) await update.reply("Выберите вариант кнопкой выше или /cancel.");
        else await conversation.skip({ next: true });
      }
    }

    const statusPick = await choose("bx:s:");
    if (!statusPick) return;
    const [, status, statusLabel] = STATUS_CHOICES.find(([code]) => code === statusPick.data) ?? STATUS_CHOICES[0]!;

    const groups: Group[] = await conversation.external(async () => {
      const found = await listAudienceGroups(deps.db, status);
      const total = await countAudience(deps.db, { status });
      return [
        { label: `Все курсы и потоки (${formatCount(total.recipients)})`, audience: { status } },
        ...found.courses.map((c) => ({
          label: `📚 ${c.courseName ?? `Курс #${c.courseId}`} — все потоки (${formatCount(c.students)})`,
          audience: { status, ...(c.courseId === null ? {} : { courseId: c.courseId }) },
        })),
        ...found.streams
          .filter((s) => s.stream !== null && s.courseId !== null)
          .map((s) => ({
            label: `${s.courseName ?? `Курс #${s.courseId}`} · ${streamName(s.stream, s.streamTitle)} (${formatCount(s.students)})`,
            audience: { status, courseId: s.courseId!, stream: s.stream! },
          })),
      ].slice(0, 40);
    });
    const groupKeyboard = new InlineKeyboard();
    groups.forEach((g, i) => groupKeyboard.text(truncate(g.label, 60), `bx:g:${i}`).row());
    groupKeyboard.text("✖️ Отмена", "bx:q");
    await statusPick.ctx.editMessageText(`📨 Рассылка: ${statusLabel}. Каким курсам или потокам?`, { reply_markup: groupKeyboard });

    const groupPick = await choose("bx:g:");
    if (!groupPick) return;
    const group = groups[Number(groupPick.data)] ?? groups[0]!;
    await groupPick.ctx.editMessageText(`📨 Рассылка: ${statusLabel} · ${group.label}.`);
    await groupPick.ctx.reply(`Пришлите текст рассылки одним сообщением (до ${MAX_TEXT} символов). /cancel — отмена.`);

    let text: string | undefined;
    let preview: { message_id: number } | undefined;
    let recipients = 0;
    for (;;) {
      const update = await conversation.wait({ maxMilliseconds: TIMEOUT_MS });
      const message = update.message?.text;
      const trimmed = message?.trim();
      if (trimmed !== undefined && /^\/cancel(@\w+)?$/.test(trimmed)) return update.reply(texts.cancelled);
      if (trimmed?.startsWith("/")) await conversation.halt({ next: true });
      if (message !== undefined) {
        if (message.length > MAX_TEXT) {
          await update.reply(`Текст длиннее ${MAX_TEXT} символов (${message.length}). Сократите и пришлите снова.`);
          continue;
        }
        const counted = await conversation.external(() => countAudience(deps.db, group.audience));
        recipients = counted.recipients;
        if (recipients === 0) {
          await update.reply("Некому отправлять: в этой группе нет студентов, до которых можно достучаться. /broadcast — начать заново.");
          return;
        }
        text = message;
        const skipped = counted.unreachable > 0 ? ` (ещё ${formatCount(counted.unreachable)} заблокировали бота — им не отправим)` : "";
        preview = await update.reply(`Получателей: ${formatCount(recipients)}${skipped}. Так увидят студенты:\n\n${message}`, {
          reply_markup: new InlineKeyboard().text(`📨 Отправить ${formatCount(recipients)}`, "bx:go").text("✖️ Отмена", "bx:q"),
        });
        continue;
      }
      const data = update.callbackQuery?.data;
      const onPreview = preview && update.callbackQuery?.message?.message_id === preview.message_id;
      if (!onPreview || (data !== "bx:go" && data !== "bx:q")) await conversation.skip({ next: true });
      await update.editMessageReplyMarkup();
      if (data === "bx:q") {
        await update.answerCallbackQuery();
        return update.reply(texts.cancelled);
      }
      const adminId = update.from!.id;
      const created = await conversation.external(async () => {
        const result = await createBroadcast(deps.db, { audience: group.audience, text: text!, adminId });
        deps.logger.info({ broadcast_id: result.id, recipients: result.recipients, admin_id: adminId }, "broadcast queued");
        if (result.recipients === 0) await finishIfDone(deps.db, result.id);
        return result;
      });
      await update.answerCallbackQuery({ text: "Рассылка поставлена в очередь" });
      const progress = await update.reply(
        `📨 Рассылка #${created.id}: отправлено 0 из ${formatCount(created.recipients)} · в очереди ${formatCount(created.recipients)}`,
      );
      await conversation.external(() => setProgressMessage(deps.db, created.id, progress.message_id));
      return;
    }
  }

  const feature = new Composer<BotContext>();
  feature.use(createConversation(compose, { id: BROADCAST, plugins: [withUpdateLogger(deps.logger)] }));
  feature.command("broadcast", (ctx) => ctx.conversation.enter(BROADCAST));
  return feature;
}
