/** Time as the delivery worker sees it; tests pass a virtual one. */
export type DeliveryClock = {
  now(): number;
  /** Resolves after `ms`, or early (never rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
};

export const systemClock: DeliveryClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener("abort", done, { once: true });
    }),
};

export type RateLimiterOptions = {
  /** Sends a second to all chats together. */
  ratePerSecond: number;
  /** Least time between two sends to one chat. */
  perChatIntervalMs: number;
  clock?: DeliveryClock;
};

export type Reservation = {
  at: number;
  cancel(): void;
  /** The send starts now (it may be later than booked: timers fire late, never early). */
  start(): void;
};

/** Telegram counts sends per second. */
const WINDOW_MS = 1000;

/**
 * Send slots under Telegram's limits, counted as Telegram may count them. A send reaches
 * Telegram at some moment between its start and our receipt of the answer, and we cannot know
 * which (the request may sit in a socket, the event loop may stall), so each send counts from
 * its start until a second after its answer (`finished`): a send starts only while fewer than
 * `ratePerSecond` sends are on the wire or were answered within the last second, and a chat's
 * next send starts `perChatIntervalMs` after its previous answer. Whatever the delays, Telegram
 * then never sees more than the rate in any second, nor two sends to a chat within the interval;
 * the price is one round trip per second of sending (29.9/s of 30 at a 3 ms round trip).
 *
 * Within those rules sends are spaced evenly. The spacing follows a schedule rather than the
 * last real start, so a timer that fires a millisecond late does not push every later send back
 * by it (at 30/s that drift alone cost 2 % of the rate).
 */
export function createRateLimiter(options: RateLimiterOptions) {
  if (!(options.ratePerSecond > 0)) throw new RangeError("ratePerSecond must be positive");
  const clock = options.clock ?? systemClock;
  const spacing = 1000 / options.ratePerSecond;
  /** How early a start may come against the schedule: more than a late timer, less than a slot. */
  const tolerance = spacing / 8;
  const perWindow = Math.max(1, Math.floor(options.ratePerSecond));
  const perChat = Math.max(0, options.perChatIntervalMs);
  /** Booked send times, ascending; those older than `spacing` no longer matter and are dropped. */
  let booked: number[] = [];
  /** When the next send is due on the even schedule. */
  let nextAt = Number.NEGATIVE_INFINITY;
  /** Booked: when each chat's next booking may be. Sent: sends on the wire, and when each chat is free again after its last answer. */
  const chatNext = new Map<number, number>();
  const chatOnWire = new Map<number, number>();
  const chatFreeAt = new Map<number, number>();
  let onWire = 0;
  /** Answer times within the last second, ascending. */
  let answers: number[] = [];
  let pausedUntil = 0;

  function prune(now: number): void {
    let drop = 0;
    while (drop < booked.length && booked[drop]! <= now - spacing) drop++;
    if (drop > 0) booked = booked.slice(drop);
    drop = 0;
    while (drop < answers.length && answers[drop]! <= now - WINDOW_MS) drop++;
    if (drop > 0) answers = answers.slice(drop);
    if (chatNext.size > 1000) for (const [chat, next] of chatNext) if (next <= now) chatNext.delete(chat);
    if (chatFreeAt.size > 1000) for (const [chat, free] of chatFreeAt) if (free <= now) chatFreeAt.delete(chat);
  }

  /** The earliest time ≥ `from` at least `spacing` away from every booked time. */
  function firstFreeSlot(from: number): number {
    let t = from;
    for (const b of booked) {
      if (b + spacing <= t) continue;
      if (b >= t + spacing) break;
      t = b + spacing;
    }
    return t;
  }

  function book(at: number): void {
    const i = booked.findIndex((b) => b > at);
    booked.splice(i < 0 ? booked.length : i, 0, at);
  }

  function unbook(at: number): void {
    const i = booked.indexOf(at);
    if (i >= 0) booked.splice(i, 1);
  }

  /** When the counting rules let a send to this chat start (≤ now: at once); a guess while one is on the wire. */
  function sendableAt(chatId: number, now: number): number {
    prune(now);
    let at = Math.max(pausedUntil, nextAt - tolerance, chatFreeAt.get(chatId) ?? 0);
    const excess = onWire + answers.length - perWindow + 1;
    // Enough answers leave the window at answers[excess - 1] + 1 s; sends still on the wire may
    // take any time to answer, so look again a slot later.
    if (excess > 0) at = Math.max(at, excess <= answers.length ? answers[excess - 1]! + WINDOW_MS : now + spacing);
    if ((chatOnWire.get(chatId) ?? 0) > 0) at = Math.max(at, now + spacing);
    return at;
  }

  function reserve(chatId: number, notBefore = 0): Reservation {
    const now = clock.now();
    prune(now);
    const previousChatNext = chatNext.get(chatId);
    const at = firstFreeSlot(Math.max(now, notBefore, pausedUntil, previousChatNext ?? 0, chatFreeAt.get(chatId) ?? 0, nextAt));
    book(at);
    chatNext.set(chatId, at + perChat);
    let open = true;
    const reservation: Reservation = {
      at,
      cancel() {
        if (!open) return;
        open = false;
        unbook(at);
        // Only undo the chat's booking if no later one replaced it.
        if (chatNext.get(chatId) === at + perChat) {
          if (previousChatNext === undefined) chatNext.delete(chatId);
          else chatNext.set(chatId, previousChatNext);
        }
      },
      start() {
        const t = clock.now();
        open = false;
        unbook(at);
        book(t);
        nextAt = Math.max(nextAt, t) + spacing;
        onWire++;
        chatOnWire.set(chatId, (chatOnWire.get(chatId) ?? 0) + 1);
        chatNext.set(chatId, Math.max(chatNext.get(chatId) ?? 0, t + perChat));
      },
    };
    return reservation;
  }

  return {
    reserve,

    /**
     * Waits for a send slot for this chat, not before `notBefore` (e.g. the rest of an interval
     * another process started). True: send now, and call `finished` when it is answered. False:
     * `signal` aborted first (the slot is given back).
     */
    async acquire(chatId: number, signal?: AbortSignal, notBefore = 0): Promise<boolean> {
      let slot = reserve(chatId, notBefore);
      for (;;) {
        if (signal?.aborted) {
          slot.cancel();
          return false;
        }
        const now = clock.now();
        // A 429 arrived while this send was waiting: book again after the pause.
        if (slot.at < pausedUntil) {
          slot.cancel();
          slot = reserve(chatId, notBefore);
        }
        const at = Math.max(slot.at, sendableAt(chatId, now));
        if (at <= now) {
          slot.start();
          return true;
        }
        await clock.sleep(at - now, signal);
      }
    },

    /** The send `acquire` allowed got its answer (or failed, or was never made). */
    finished(chatId: number): void {
      const t = clock.now();
      onWire = Math.max(0, onWire - 1);
      const left = (chatOnWire.get(chatId) ?? 1) - 1;
      if (left > 0) chatOnWire.set(chatId, left);
      else chatOnWire.delete(chatId);
      answers.push(t);
      chatFreeAt.set(chatId, Math.max(chatFreeAt.get(chatId) ?? 0, t + perChat));
    },

    /** Telegram said 429: no send anywhere for `ms`. */
    pause(ms: number): void {
      pausedUntil = Math.max(pausedUntil, clock.now() + ms);
    },

    /** When sending may resume after a 429 (0 or a past time: not paused). */
    pausedUntil: () => pausedUntil,
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
