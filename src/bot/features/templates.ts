import { Composer, InlineKeyboard } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { TEMPLATE_KINDS, loadTemplate, resetTemplate, saveTemplate, templateProblem, type TemplateKind } from "../../delivery/templates";
import { packTemplate, parseTemplate } from "../callback-data";
import type { BotContext, Deps, Feature, InnerContext } from "../context";
import { askTemplateText, describeTemplateProblem, formatTemplateList, templateName, templatePreview } from "../format/templates";
import type { Texts } from "../i18n";
import { nextInput } from "../conversation-input";
import { editInPlace, enterConversation } from "../edit";
import { conversationPlugins } from "../middleware";

const EDIT_TEMPLATE = "edit-template";
const ANSWER_TIMEOUT_MS = 30 * 60_000;

async function templateList(deps: Deps, t: Texts) {
  const entries = await Promise.all(TEMPLATE_KINDS.map(async (kind) => [kind, await loadTemplate(deps.db, kind)] as const));
  return formatTemplateList(Object.fromEntries(entries) as Record<TemplateKind, { body: string; custom: boolean }>, t);
}

/**
 * `/templates`: the texts students get, each editable in a conversation that checks the
 * placeholders and shows a preview before saving, and resettable to the built-in default.
 */
export function templatesFeature(deps: Deps): Feature {
  async function editTemplate(conversation: Conversation<BotContext, InnerContext>, ctx: InnerContext, kind: TemplateKind) {
    const t = ctx.t;
    await ctx.reply(askTemplateText(kind, t));
    let body: string | undefined;
    let preview: { message_id: number } | undefined;
    for (;;) {
      const input = await nextInput(conversation, { timeoutMs: ANSWER_TIMEOUT_MS, on: preview, choices: ["tp:s", "tp:n"] });
      const update = input.ctx;
      if (input.kind === "cancel") return update.reply(t.cancelled);
      if (input.kind === "text") {
        const text = input.text;
        const problem = templateProblem(kind, text);
        if (problem) {
          await update.reply(t.templates.fixIt(describeTemplateProblem(problem, t)));
          continue;
        }
        body = text;
        preview = await update.reply(templatePreview(text, t), {
          reply_markup: new InlineKeyboard().text(t.templates.save, "tp:s").text(t.templates.dontSave, "tp:n"),
        });
        continue;
      }
      await update.editMessageReplyMarkup();
      if (input.data === "tp:n") {
        await update.answerCallbackQuery();
        return update.reply(t.cancelled);
      }
      const adminId = update.from!.id;
      await conversation.external(() => saveTemplate(deps.db, kind, body!, adminId));
      update.log.info({ kind, admin_id: adminId }, "template saved");
      await update.answerCallbackQuery({ text: t.templates.saved });
      return update.reply(t.templates.savedLong(templateName(kind, t)));
    }
  }

  // Installed apart from the commands (see createBot): a waiting conversation sees updates first.
  const conversation = createConversation(editTemplate, { id: EDIT_TEMPLATE, plugins: conversationPlugins(deps) });
  const feature = new Composer<BotContext>();
  feature.command("templates", async (ctx) => {
    const list = await templateList(deps, ctx.t);
    await ctx.reply(list.text, { parse_mode: "HTML", reply_markup: list.keyboard });
  });
  feature.callbackQuery(/^t:/, async (ctx) => {
    const data = parseTemplate(ctx.callbackQuery.data);
    if (!data) return ctx.answerCallbackQuery({ text: ctx.t.staleButton });
    if (data.op === "edit") {
      await ctx.answerCallbackQuery();
      return enterConversation(ctx, EDIT_TEMPLATE, data.kind);
    }
    if (data.op === "reset") {
      await ctx.answerCallbackQuery();
      return ctx.reply(ctx.t.templates.askReset(templateName(data.kind, ctx.t)), {
        reply_markup: new InlineKeyboard().text(ctx.t.templates.yesReset, packTemplate({ op: "reset-yes", kind: data.kind })),
      });
    }
    await resetTemplate(deps.db, data.kind);
    ctx.log.info({ kind: data.kind }, "template reset to default");
    const list = await templateList(deps, ctx.t);
    await editInPlace(ctx, list.text, { parse_mode: "HTML", reply_markup: list.keyboard });
    await ctx.answerCallbackQuery({ text: ctx.t.done });
  });
  return { conversations: [conversation], composer: feature };
}
