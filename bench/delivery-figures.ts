import type { ApiCall } from "../test/helpers/fake-telegram";

export type DeliveryFigures = {
  expected: number;
  delivered: number;
  seconds: number;
  perSecond: number;
  rateLimited: number;
  lost: number;
  duplicated: number;
  /** Most sendMessage arrivals (answered or refused) to one chat, and to all, within any 1,000 ms. */
  peakPerChat: number;
  peakOverall: number;
  oneChatSeconds: number;
  /** Gaps between the one chat's deliveries, ms: least, median, most. */
  oneChatGaps: { min: number; median: number; max: number };
};

/** How many of these times one window of `ms` holds at most (times that lie less than `ms` apart). */
export function mostWithin(unsorted: number[], ms: number): number {
  const times = [...unsorted].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/**
 * The benchmark's figures from the outbox as it ends and the fake API's log. Every outbox row is
 * one message a student (or the admin) must get exactly once; the workload gives each row its own
 * chat and text, so a delivery is matched to its row by both.
 */
export function deliveryFigures(input: {
  rows: Array<{ chat_id: number | string; text: string }>;
  calls: ApiCall[];
  started: number;
  oneChat: number;
  rateLimited: number;
  stillQueued: number;
}): DeliveryFigures {
  const key = (chat: number | string, text: string) => `${chat}\u0000${text}`;
  const expected = new Map<string, number>();
  for (const r of input.rows) expected.set(key(r.chat_id, r.text), (expected.get(key(r.chat_id, r.text)) ?? 0) + 1);
  if (expected.size !== input.rows.length) throw new Error("two outbox rows share a chat and a text: the bench could not tell them apart");

  const delivered = input.calls.filter((c) => c.outcome === "ok");
  const got = new Map<string, number>();
  for (const c of delivered) got.set(key(c.payload.chat_id!, c.payload.text!), (got.get(key(c.payload.chat_id!, c.payload.text!)) ?? 0) + 1);
  let lost = 0;
  for (const k of expected.keys()) if (!got.has(k)) lost++;
  let duplicated = 0;
  for (const [k, n] of got) duplicated += expected.has(k) ? n - 1 : n;

  const byChat = new Map<number, number[]>();
  for (const c of input.calls) byChat.set(c.payload.chat_id!, [...(byChat.get(c.payload.chat_id!) ?? []), c.at]);
  const last = Math.max(input.started, ...delivered.map((c) => c.at));
  const seconds = (last - input.started) / 1000;
  const oneChat = delivered.filter((c) => c.payload.chat_id === input.oneChat).map((c) => c.at).sort((a, b) => a - b);
  const gaps = oneChat.slice(1).map((t, i) => t - oneChat[i]!).sort((a, b) => a - b);
  return {
    expected: input.rows.length,
    delivered: delivered.length,
    seconds,
    perSecond: seconds > 0 ? delivered.length / seconds : 0,
    rateLimited: input.rateLimited,
    lost,
    duplicated,
    peakPerChat: Math.max(0, ...[...byChat.values()].map((times) => mostWithin(times, 1_000))),
    peakOverall: mostWithin(input.calls.map((c) => c.at), 1_000),
    oneChatSeconds: oneChat.length > 0 ? (oneChat.at(-1)! - input.started) / 1000 : NaN,
    oneChatGaps: { min: gaps[0] ?? NaN, median: gaps[Math.floor(gaps.length / 2)] ?? NaN, max: gaps.at(-1) ?? NaN },
  };
}
