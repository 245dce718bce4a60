import { Composer, type Filter } from "grammy";
import { Menu, type MenuFlavor } from "@grammyjs/menu";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { resetTemplate, saveTemplate } from "../../db/queries/templates";
import { TEMPLATE_KINDS, loadTemplate, templateProblem, type TemplateKind } from "../../bookings/templates";
import { TEMPLATES_MENU, TEMPLATE_PREVIEW, templateResetMenu } from "../callback-data";
import type { BotContext, Deps, Feature, InnerContext } from "../context";
import { askTemplateText, describeTemplateProblem, formatTemplateList, templateName, templatePreview } from "../format/templates";
import type { Texts } from "../i18n";
import { confirmedText } from "../conversation-input";
import { editInPlace, enterConversation } from "../edit";
import { conversationPlugins } from "../middleware";

const EDIT_TEMPLATE = "edit-template";
const ANSWER_TIMEOUT_MS = 30 * 60_000;

/** A press of one of the /templates menu's buttons. */
type Press = Filter<BotContext, "callback_query:data"> & MenuFlavor;

async function currentTemplates(deps: Deps) {
  const entries = await Promise.all(TEMPLATE_KINDS.map(async (kind) => [kind, await loadTemplate(deps.db, kind)] as const));
  return Object.fromEntries(entries) as Record<TemplateKind, { body: string; custom: boolean }>;
}

const listText = async (deps: Deps, t: Texts) => formatTemplateList(await currentTemplates(deps), t);

/**
 * `/templates`: the texts students get, under a menu built once at start. Each one is editable in
 * a conversation that checks the placeholders and shows a preview before saving; an edited one
 * can be reset to the built-in default after one more press, on a question with a way back.
 */
export function templatesFeature(deps: Deps): Feature {
  async function editTemplate(conversation: Conversation<BotContext, InnerContext>, ctx: InnerContext, kind: TemplateKind) {
    const t = ctx.t;
    const answer = await confirmedText(conversation, ctx, {
      prompt: askTemplateText(kind, t),
      timeoutMs: ANSWER_TIMEOUT_MS,
      buttons: TEMPLATE_PREVIEW,
      problem: (text) => {
        const problem = templateProblem(kind, text);
        return problem && t.templates.fixIt(describeTemplateProblem(problem, t));
      },
      preview: (text) => ({ text: templatePreview(text, t), confirm: t.templates.save, drop: t.templates.dontSave }),
      left: t.cancelled,
    });
    if (!answer) return;
    const press = answer.ctx;
    await press.editMessageReplyMarkup();
    const adminId = press.from!.id;
    await conversation.external(() => saveTemplate(deps.db, kind, answer.text, adminId));
    press.log.info({ kind, admin_id: adminId }, "template saved");
    await press.answerCallbackQuery({ text: t.templates.saved });
    await press.reply(t.templates.savedLong(templateName(kind, t)));
  }

  /** The list's text in place of the pressed message; the plugin puts in the menu ctx.menu chose. */
  const drawList = async (press: Press) => editInPlace(press, await listText(deps, press.t), { parse_mode: "HTML" });

  // The list, or a question drawn for a template that has changed since: nothing is done, the
  // admin is told, and the list is shown as it is now.
  async function outdated(press: Press) {
    press.menu.nav(TEMPLATES_MENU);
    await press.answerCallbackQuery({ text: press.t.templates.outdated });
    await drawList(press);
  }

  // Handlers answer their own presses (autoAnswer off): some answers carry a notice.
  const list = new Menu<BotContext>(TEMPLATES_MENU, { autoAnswer: false, onMenuOutdated: outdated });
  // "Reset" only under an edited template. The plugin's own check (layout and label of the
  // pressed button) makes a press outdated once a template is edited or reset elsewhere.
  list.dynamic(async (ctx, range) => {
    const current = await currentTemplates(deps);
    TEMPLATE_KINDS.forEach((kind, i) => {
      if (i > 0) range.row();
      range.text(ctx.t.templates.edit(templateName(kind, ctx.t)), async (press) => {
        await press.answerCallbackQuery();
        await enterConversation(press, EDIT_TEMPLATE, kind);
      });
      if (!current[kind].custom) return;
      range.submenu(ctx.t.templates.reset, templateResetMenu(kind), async (press) => {
        await press.answerCallbackQuery();
        await editInPlace(press, press.t.templates.askReset(templateName(kind, press.t)));
      });
    });
  });

  const questions = TEMPLATE_KINDS.map((kind) => {
    const question = new Menu<BotContext>(templateResetMenu(kind), {
      autoAnswer: false,
      onMenuOutdated: outdated,
      // The text the admin was asked about: "yes" after someone else saved or reset it is outdated.
      fingerprint: async (ctx) => `${ctx.lang}\n${(await loadTemplate(deps.db, kind)).body}`,
    });
    question
      .text(
        (ctx) => ctx.t.templates.yesReset,
        async (press) => {
          await resetTemplate(deps.db, kind);
          press.log.info({ kind }, "template reset to default");
          press.menu.back();
          await press.answerCallbackQuery({ text: press.t.done });
          await drawList(press);
        },
      )
      .row()
      .back(
        (ctx) => ctx.t.templates.back,
        async (press) => {
          await press.answerCallbackQuery();
          await drawList(press);
        },
      );
    return question;
  });
  list.register(questions);

  // Installed apart from the commands (see createBot): a waiting conversation sees updates first.
  const conversation = createConversation(editTemplate, { id: EDIT_TEMPLATE, plugins: conversationPlugins(deps) });
  const feature = new Composer<BotContext>();
  feature.command("templates", async (ctx) => {
    await ctx.reply(await listText(deps, ctx.t), { parse_mode: "HTML", reply_markup: list });
  });
  return { conversations: [conversation], menus: [list], composer: feature };
}
