import { Composer } from "grammy";
import { setCouponActive } from "../../../bookings/coupons";
import { getCoupon, listCouponsPage } from "../../../db/queries/coupons";
import { couponCard } from "./card";
import { packCoupons, parseCoupons, type CouponsCallback } from "../../callback-data";
import type { BotContext, Deps, Feature, InnerContext } from "../../context";
import { editInPlace, enterConversation } from "../../edit";
import { formatCouponList } from "../../format/coupons";
import { escapeHtml } from "../../format/html";
import { withQuestion, type Screen } from "../../format/question";
import type { Texts } from "../../i18n";
import { CREATE_COUPON, couponConversation } from "./create";

export const COUPON_PAGE_SIZE = 10;

/**
 * `/coupons`: the real system's referral coupons, newest first, ◀ ▶ in place; a coupon's card
 * with its `t.me/<bot>?start=ref_<CODE>` link and bookings; switching it off or on again after
 * one more press (audited); "➕ New coupon" is a conversation (./create.ts).
 */
export function couponsFeature(deps: Deps): Feature {
  const card = couponCard(deps);

  const list = async (t: Texts, anchor: Extract<CouponsCallback, { op: "page" }>["anchor"]) =>
    formatCouponList(await listCouponsPage(deps.db, anchor, COUPON_PAGE_SIZE), t);

  async function show(ctx: InnerContext, data: Exclude<CouponsCallback, { op: "create" }>): Promise<{ screen: Screen; toast?: string } | undefined> {
    const t = ctx.t;
    if (data.op === "page") return { screen: await list(t, data.anchor) };
    if (data.op === "show") {
      const screen = await card(ctx, data.id, data.back);
      return screen && { screen };
    }
    if (data.op === "do") {
      const actor = { id: ctx.from!.id, name: ctx.from!.first_name };
      const outcome = await setCouponActive(deps.db, data.id, data.action === "reactivate", actor);
      if (outcome.kind === "not-found") return undefined;
      ctx.log.info({ coupon_id: data.id, action: data.action, outcome: outcome.kind, admin_id: actor.id }, "coupon change requested");
      const changed = outcome.kind === "changed";
      const screen = await card(ctx, data.id, data.back, changed ? t.coupons.changed[data.action] : t.coupons.unchanged[data.action]);
      return screen && { screen, toast: changed ? t.done : t.courses.unchangedShort };
    }
    const coupon = await getCoupon(deps.db, data.id);
    if (!coupon) return undefined;
    // Already so (another admin, an old message): the card says it instead of asking.
    if (coupon.isActive === (data.action === "reactivate")) return { screen: (await card(ctx, data.id, data.back, t.coupons.unchanged[data.action]))! };
    const screen = await card(ctx, data.id, data.back);
    if (!screen) return undefined;
    return {
      screen: withQuestion(
        screen,
        t.coupons.question[data.action](escapeHtml(coupon.code)),
        { label: t.coupons.yes[data.action], data: packCoupons({ ...data, op: "do" }) },
        { label: t.coupons.back, data: packCoupons({ op: "show", id: data.id, back: data.back }) },
      ),
    };
  }

  const feature = new Composer<BotContext>();
  feature.command("coupons", async (ctx) => {
    const screen = await list(ctx.t, { dir: "first" });
    await ctx.reply(screen.text, { parse_mode: "HTML", reply_markup: screen.keyboard });
  });
  feature.callbackQuery(/^cp:/, async (ctx) => {
    const data = parseCoupons(ctx.callbackQuery.data);
    if (!data) return ctx.answerCallbackQuery({ text: ctx.t.coupons.staleButton });
    if (data.op === "create") {
      await ctx.answerCallbackQuery();
      return enterConversation(ctx, CREATE_COUPON);
    }
    const shown = await show(ctx, data);
    if (!shown) return ctx.answerCallbackQuery({ text: ctx.t.coupons.gone, show_alert: true });
    await editInPlace(ctx, shown.screen.text, { parse_mode: "HTML", reply_markup: shown.screen.keyboard });
    await ctx.answerCallbackQuery(shown.toast ? { text: shown.toast } : {});
  });
  return { conversations: [couponConversation(deps)], composer: feature };
}
