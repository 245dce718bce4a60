import type { InlineKeyboardButton, Message, Update, User } from "grammy/types";
import type { ApiCall } from "../../test/helpers/fake-telegram";
import { callbackUpdate, messageUpdate, photoUpdate } from "../../test/helpers/updates";
import type { LaunchTelegram } from "./telegram";

/** How long an actor waits for an answer before counting it as never come. */
const ANSWER_TIMEOUT_MS = 120_000;

export type Post = (update: Update) => void;

/** What the actors saw: each wait for an answer (or its absence), and when admins pressed what. */
export type Observed = {
  /** A student's update to the first thing that reached their chat after it (undefined: nothing came). */
  student: Array<{ kind: "start" | "book" | "photo"; ms: number | undefined }>;
  /** An admin's command or press to its screen. */
  admin: Array<{ kind: string; ms: number | undefined }>;
  /** Student id → when their photo went out. */
  photoAt: Map<number, number>;
  /** Booking id → when an admin pressed its confirm button. */
  confirmPressedAt: Map<number, number>;
};

export const observed = (): Observed => ({ student: [], admin: [], photoAt: new Map(), confirmPressedAt: new Map() });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (random: () => number, lo: number, hi: number) => lo + random() * (hi - lo);
const buttons = (m: Message | undefined): InlineKeyboardButton.CallbackButton[] =>
  (m?.reply_markup?.inline_keyboard.flat() ?? []).filter((b): b is InlineKeyboardButton.CallbackButton => "callback_data" in b);
const textOf = (c: ApiCall) => String(c.payload.text ?? c.payload.caption ?? (c.payload.media as { caption?: string } | undefined)?.caption ?? "");

/**
 * A student after the announcement: /start, a few seconds reading the offer, a press on the open
 * stream; two in three then pay and send a photo of the receipt a few seconds after the booking
 * arrived. Each wait is for the first thing that reaches their chat after their update.
 */
export async function student(api: LaunchTelegram, post: Post, seen: Observed, who: User, options: { pays: boolean; random: () => number }): Promise<void> {
  const ask = async (kind: Observed["student"][number]["kind"], update: Update, match: (c: ApiCall) => boolean): Promise<ApiCall | undefined> => {
    const answer = api.next(who.id, match, ANSWER_TIMEOUT_MS);
    const at = Date.now();
    post(update);
    const got = await answer;
    seen.student.push({ kind, ms: got ? got.at - at : undefined });
    return got;
  };
  const offer = await ask("start", messageUpdate("/start", who), () => true);
  const offerMessage = offer && messageOf(api, offer);
  const book = buttons(offerMessage).find((b) => b.callback_data.startsWith("s:b:"));
  if (!offerMessage || !book) return;
  await sleep(between(options.random, 2_000, 4_000));
  const booked = await ask("book", callbackUpdate(offerMessage, book.callback_data, who), (c) => c.method === "sendMessage");
  if (!booked || !options.pays) return;
  await sleep(between(options.random, 3_000, 8_000));
  seen.photoAt.set(who.id, Date.now());
  await ask("photo", photoUpdate(who, `receipt-${who.id}`), () => true);
}

/** The message a call sent or edited, as it stands now. */
const messageOf = (api: LaunchTelegram, call: ApiCall): Message | undefined =>
  call.messageId === undefined ? undefined : api.message(Number(call.payload.chat_id), call.messageId);

/**
 * An admin on launch day, in their private chat: walks the receipt queue (a second or so to
 * look at each receipt, then 🟢), and every `pageEveryMs` looks at /bookings and pages once. Stops
 * when `done()` says the crowd has gone and nothing waits.
 */
export async function admin(
  api: LaunchTelegram,
  post: Post,
  seen: Observed,
  who: User,
  options: { random: () => number; thinkMs: [number, number]; pageEveryMs: number; done: () => Promise<boolean> },
): Promise<void> {
  const screen = async (kind: string, update: Update, match: (c: ApiCall) => boolean): Promise<ApiCall | undefined> => {
    const answer = api.next(who.id, match, ANSWER_TIMEOUT_MS);
    const at = Date.now();
    post(update);
    const got = await answer;
    seen.admin.push({ kind, ms: got ? got.at - at : undefined });
    return got;
  };
  let nextPaging = Date.now() + between(options.random, 0, options.pageEveryMs);
  for (;;) {
    if (Date.now() >= nextPaging) {
      nextPaging = Date.now() + options.pageEveryMs;
      const list = await screen("/bookings", messageUpdate("/bookings", who), (c) => c.method === "sendMessage");
      const shown = list && messageOf(api, list);
      const older = buttons(shown).find((b) => b.text === "Старше ▶");
      if (shown && older) await screen("Старше ▶", callbackUpdate(shown, older.callback_data, who), (c) => c.method === "editMessageText");
    }
    const opened = await screen("/queue", messageUpdate("/queue", who), () => true);
    let receipt = opened && opened.method !== "sendMessage" ? messageOf(api, opened) : undefined;
    while (receipt) {
      await sleep(between(options.random, ...options.thinkMs));
      const current = api.message(who.id, receipt.message_id)!;
      const confirm = buttons(current).find((b) => b.text.startsWith("🟢"));
      if (!confirm) break;
      seen.confirmPressedAt.set(Number(/#(\d+)/.exec(confirm.text)![1]), Date.now());
      const next = await screen("🟢 receipt", callbackUpdate(current, confirm.callback_data, who), (c) => c.payload.message_id === current.message_id);
      if (!next || textOf(next).includes("📭")) break;
      receipt = api.message(who.id, current.message_id);
    }
    if (await options.done()) return;
    await sleep(2_000);
  }
}
