import type { Db } from "../db/client";
import type { BookingRow } from "../db/queries/bookings";
import { coursePriceCents } from "../db/queries/payment-proofs";
import { loadTemplate, renderTemplate } from "../bookings/templates";
import { bookingTemplateValues } from "./template-values";

/** What a booking costs: the course's price (US cents, null = not set) and what is left after the discount. */
export type Price = { priceCents: number | null; dueCents: number | null };

export function priceOf(priceCents: number | null, discountPercent: number | null): Price {
  if (priceCents === null) return { priceCents, dueCents: null };
  const discount = Math.min(100, Math.max(0, discountPercent ?? 0));
  return { priceCents, dueCents: Math.round((priceCents * (100 - discount)) / 100) };
}

const usd = new Map<boolean, Intl.NumberFormat>();

/** `$150`, `$1,350.50`. */
export function formatUsd(cents: number): string {
  const whole = cents % 100 === 0;
  let format = usd.get(whole);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 });
    usd.set(whole, format);
  }
  return format.format(cents / 100);
}

/** `{price}` in the student's instructions (plain Russian text, like the other template values). */
export function priceValue(price: Price, discountPercent: number | null): string {
  if (price.dueCents === null) return "стоимость курса (сумму уточнит администратор)";
  return price.dueCents !== price.priceCents && discountPercent ? `${formatUsd(price.dueCents)} (со скидкой ${discountPercent}%)` : formatUsd(price.dueCents);
}

/** How to pay (the instructions template with `{price}`) and where to (the payment details), filled in. */
export type PaymentTexts = { instructions: string; details: string };

/** What a new booking costs, and the student's payment texts; none when there is nothing to pay (a 100% coupon on a priced course). */
export type Payment = { price: Price; texts?: PaymentTexts };

export async function paymentInstructions(tx: Db, booking: BookingRow, timeZone: string): Promise<Payment> {
  const price = priceOf(await coursePriceCents(tx, booking.courseId), booking.discountPercent);
  if (price.dueCents === 0) return { price };
  const instructions = await loadTemplate(tx, "payment_instructions");
  const details = await loadTemplate(tx, "payment_details");
  const values = { ...bookingTemplateValues(booking, timeZone), price: priceValue(price, booking.discountPercent) };
  return { price, texts: { instructions: renderTemplate(instructions.body, values), details: renderTemplate(details.body, {}) } };
}
