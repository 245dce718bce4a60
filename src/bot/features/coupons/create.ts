import { InlineKeyboard } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import {
  COUPON_PRESETS,
  MAX_ACTIVATIONS,
  MAX_COUPON_NAME,
  generateCouponCode,
  normalizeCouponCode,
  parseCustomCoupon,
} from "../../../bookings/coupon-rules";
import { checkTitle } from "../../../bookings/stream-rules";
import { createCoupon } from "../../../bookings/coupons";
import { couponCodeTaken } from "../../../db/queries/coupons";
import { COUPONS_CHOICE } from "../../callback-data";
import type { BotContext, Deps, InnerContext } from "../../context";
import { answerStep, type Checked } from "../../conversation-answer";
import { escapeHtml } from "../../format/html";
import { plainScreen } from "../../format/question";
import { formatCount } from "../../format/values";
import type { Texts } from "../../i18n";
import { conversationPlugins } from "../../middleware";
import { couponCard } from "./card";

export const CREATE_COUPON = "create-coupon";
const TIMEOUT_MS = 30 * 60_000;
/** Tries at a random code before giving up (36^8 codes: a clash is already unlikely). */
const GENERATE_TRIES = 20;

type Convo = Conversation<BotContext, InnerContext>;
type Terms = { percent: number; activations: number };

function readTerms(text: string, t: Texts): Checked<Terms> {
  const parsed = parseCustomCoupon(text);
  if (!("problem" in parsed)) return { value: parsed };
  const problem = parsed.problem === "activations" ? t.coupons.badCustom.activations(formatCount(MAX_ACTIVATIONS, t)) : t.coupons.badCustom[parsed.problem];
  return { problem: t.coupons.tryAgain(problem) };
}

/**
 * "➕ New coupon": discount and activations (a preset of the real bot's, or typed), an optional
 * name, a typed or generated code (8 × A–Z 0–9, unique in any case), then one "create" press.
 * The insert is the real bot's; a code taken meanwhile asks for another one.
 */
export function couponConversation(deps: Deps) {
  const card = couponCard(deps);
  async function create(conversation: Convo, ctx: InnerContext) {
    const t = ctx.t;
    const step = { timeoutMs: TIMEOUT_MS, cancelled: t.cancelled, useButtons: t.coupons.useButtons, cancel: COUPONS_CHOICE.no };

    const presets = new InlineKeyboard();
    COUPON_PRESETS.forEach((p, i) => {
      presets.text(t.coupons.preset(p.percent, p.activations), COUPONS_CHOICE.preset(i));
      if (i % 3 === 2) presets.row();
    });
    presets.row().text(t.coupons.custom, COUPONS_CHOICE.custom).text(t.coupons.cancel, COUPONS_CHOICE.no);
    const presetQuestion = await ctx.reply(t.coupons.askPreset, { reply_markup: presets });
    const choices: Record<string, Terms | null> = { [COUPONS_CHOICE.custom]: null };
    COUPON_PRESETS.forEach((p, i) => (choices[COUPONS_CHOICE.preset(i)] = { percent: p.percent, activations: p.activations }));
    // Typed values are taken here too ("15 30"), without the "own values" press.
    let terms = await answerStep<Terms | null>(conversation, { ...step, on: presetQuestion, choices, read: async (text) => readTerms(text, t) });
    if (!terms) return;
    if (terms.value === null) {
      await terms.ctx.reply(t.coupons.askCustom);
      terms = await answerStep<Terms | null>(conversation, { ...step, read: async (text) => readTerms(text, t) });
      if (!terms?.value) return;
    }
    const { percent, activations } = terms.value;

    const nameQuestion = await terms.ctx.reply(t.coupons.askName(MAX_COUPON_NAME), {
      reply_markup: new InlineKeyboard().text(t.coupons.withoutName, COUPONS_CHOICE.noName).text(t.coupons.cancel, COUPONS_CHOICE.no),
    });
    const name = await answerStep<string | null>(conversation, {
      ...step,
      on: nameQuestion,
      choices: { [COUPONS_CHOICE.noName]: null },
      read: async (text) => {
        const checked = checkTitle(text, MAX_COUPON_NAME);
        if (!("problem" in checked)) return { value: checked.title };
        return { problem: t.coupons.tryAgain(checked.problem.kind === "empty" ? t.courses.emptyTitle : t.coupons.nameTooLong(checked.problem.max, checked.problem.length)) };
      },
    });
    if (!name) return;

    let last = name.ctx;
    for (;;) {
      const codeQuestion = await last.reply(t.coupons.askCode, {
        reply_markup: new InlineKeyboard().text(t.coupons.generate, COUPONS_CHOICE.generate).text(t.coupons.cancel, COUPONS_CHOICE.no),
      });
      const code = await answerStep<string | null>(conversation, {
        ...step,
        on: codeQuestion,
        choices: { [COUPONS_CHOICE.generate]: null },
        read: async (text) => {
          const typed = normalizeCouponCode(text);
          if (!typed) return { problem: t.coupons.tryAgain(t.coupons.badCode) };
          const taken = await conversation.external(() => couponCodeTaken(deps.db, typed));
          return taken ? { problem: t.coupons.tryAgain(t.coupons.codeTaken(typed)) } : { value: typed };
        },
      });
      if (!code) return;
      // Randomness and the database in `external`: a replay gets the same code back.
      const chosen =
        code.value ??
        (await conversation.external(async () => {
          for (let i = 0; i < GENERATE_TRIES; i++) {
            const candidate = generateCouponCode();
            if (!(await couponCodeTaken(deps.db, candidate))) return candidate;
          }
          throw new Error("no free coupon code found");
        }));
      const nameHtml = name.value === null ? undefined : escapeHtml(name.value);
      const confirm = await code.ctx.reply(t.coupons.confirm(chosen, nameHtml, percent, formatCount(activations, t)), {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard().text(t.coupons.yesCreate, COUPONS_CHOICE.yes).text(t.coupons.cancel, COUPONS_CHOICE.no),
      });
      const yes = await answerStep(conversation, { ...step, on: confirm, choices: { [COUPONS_CHOICE.yes]: true } });
      if (!yes) return;
      const actor = { id: yes.ctx.from!.id, name: yes.ctx.from!.first_name };
      const coupon = { code: chosen, name: name.value, discountPercent: percent, maxActivations: activations };
      const done = await conversation.external(async () => {
        const created = await createCoupon(deps.db, coupon, actor);
        return created.kind === "taken" ? "taken" : plainScreen(await card(yes.ctx, created.id, 0, t.coupons.done));
      });
      deps.logger.info({ code: chosen, percent, activations, admin_id: actor.id, created: done !== "taken" }, "coupon create requested");
      if (done === "taken") {
        await yes.ctx.reply(t.coupons.codeTaken(chosen), { parse_mode: "HTML" });
        last = yes.ctx;
        continue;
      }
      if (done) return yes.ctx.reply(done.text, { parse_mode: "HTML", reply_markup: done.reply_markup });
      return;
    }
  }
  return createConversation(create, { id: CREATE_COUPON, plugins: conversationPlugins(deps) });
}
