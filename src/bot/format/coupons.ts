import { InlineKeyboard } from "grammy";
import type { CouponCard, CouponListRow, CouponPage } from "../../db/queries/coupons";
import { packCoupons, type CouponAction } from "../callback-data";
import type { Texts } from "../i18n";
import type { Screen } from "./question";
import { escapeHtml, truncate } from "./html";
import { MAX_CODE, MAX_NAME, STATUS_BADGE, formatCount, formatDateTime, safe } from "./values";

/** /coupons screens: a page of coupons, and one coupon with its link and bookings. Pure. */


type CouponState = "active" | "exhausted" | "off";
const stateOf = (c: Pick<CouponListRow, "isActive" | "currentActivations" | "maxActivations">): CouponState =>
  !c.isActive ? "off" : c.currentActivations >= c.maxActivations ? "exhausted" : "active";

/** The `back` a coupon's buttons carry: 0 for the first page, else the page "older than" it. */
export const pageBack = (page: Pick<CouponPage, "rows" | "offset">): number => (page.offset === 0 || !page.rows[0] ? 0 : page.rows[0].id + 1);

export function formatCouponList(page: CouponPage, t: Texts): Screen {
  const n = (x: number) => formatCount(x, t);
  const keyboard = new InlineKeyboard();
  if (page.rows.length === 0) {
    return { text: `${t.coupons.title}\n${t.coupons.none}`, keyboard: keyboard.text(t.coupons.create, packCoupons({ op: "create" })) };
  }
  const position = t.coupons.position(n(page.offset + 1), n(page.offset + page.rows.length), n(page.total));
  const lines = [`${t.coupons.title} · ${position}`, ""];
  const back = pageBack(page);
  for (const c of page.rows) {
    const used = n(c.currentActivations);
    const max = n(c.maxActivations);
    lines.push(t.coupons.line(safe(c.code, MAX_CODE), c.discountPercent, used, max, t.coupons.state[stateOf(c)], c.name?.trim() ? safe(c.name.trim(), MAX_NAME) : ""));
    keyboard.text(`${t.coupons.state[stateOf(c)]} ${t.coupons.button(truncate(c.code, 20), c.discountPercent, used, max)}`, packCoupons({ op: "show", id: c.id, back })).row();
  }
  lines.push("", t.coupons.legend);
  const first = page.rows[0]!.id;
  const last = page.rows[page.rows.length - 1]!.id;
  if (page.hasNewer) keyboard.text(t.coupons.newer, packCoupons({ op: "page", anchor: { dir: "newer", id: first } }));
  if (page.hasOlder) keyboard.text(t.coupons.older, packCoupons({ op: "page", anchor: { dir: "older", id: last } }));
  if (page.hasNewer || page.hasOlder) keyboard.row();
  keyboard.text(t.coupons.create, packCoupons({ op: "create" }));
  return { text: lines.join("\n"), keyboard };
}

/** "40%": confirmed bookings of all bookings with the coupon. */
const share = (part: number, whole: number, t: Texts) => new Intl.NumberFormat(t.locale, { style: "percent", maximumFractionDigits: 0 }).format(part / whole);

export function formatCouponCard(c: CouponCard, link: string | undefined, back: number, timeZone: string, t: Texts, notice?: string): Screen {
  const n = (x: number) => formatCount(x, t);
  const state = stateOf(c);
  const lines = notice ? [notice, ""] : [];
  lines.push(
    t.coupons.cardTitle(safe(c.code, MAX_CODE)),
    c.name?.trim() ? t.coupons.name(safe(c.name.trim(), MAX_NAME)) : t.coupons.noName,
    t.coupons.discount(c.discountPercent),
    t.coupons.activations(n(c.currentActivations), n(c.maxActivations), n(Math.max(0, c.maxActivations - c.currentActivations))),
    t.coupons.status(t.coupons.stateLong[state]),
    c.createdAt ? t.coupons.created(formatDateTime(c.createdAt, timeZone), c.createdBy) : t.coupons.createdBy(c.createdBy),
    link ? t.coupons.link(escapeHtml(link)) : t.coupons.noLink,
  );
  const b = c.bookings;
  if (b.total === 0) lines.push(t.coupons.noBookings);
  else {
    const perStatus = ([0, 1, 2, -1] as const).map((s) => `${STATUS_BADGE[s]} ${n(b[s])}`).join(" · ");
    lines.push(t.coupons.bookings(n(b.total), perStatus), t.coupons.confirmedShare(n(b[2]), n(b.total), share(b[2], b.total, t)));
  }
  const action: CouponAction = c.isActive ? "deactivate" : "reactivate";
  const keyboard = new InlineKeyboard()
    .text(t.coupons[action], packCoupons({ op: "ask", action, id: c.id, back }))
    .row()
    .text(t.coupons.toList, packCoupons({ op: "page", anchor: back === 0 ? { dir: "first" } : { dir: "older", id: back } }));
  return { text: lines.join("\n"), keyboard };
}
