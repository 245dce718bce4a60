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

export function createRateLimiter(options: RateLimiterOptions) {
  if (!(options.ratePerSecond > 0)) throw new RangeError("ratePerSecond must be positive");
  const clock = options.clock ?? systemClock;
  const spacing = 1000 / options.ratePerSecond;
  const perChat = Math.max(0, options.perChatIntervalMs);
  /** Booked send times, ascending; those older than `spacing` no longer matter and are dropped. */
  let booked: number[] = [];
  /** When the latest send really started. */
  let lastStart = Number.NEGATIVE_INFINITY;
  const chatNext = new Map<number, number>();
  let pausedUntil = 0;

  function prune(now: number): void {
    let drop = 0;
    while (drop < booked.length && booked[drop]! <= now - spacing) drop++;
    if (drop > 0) booked = booked.slice(drop);
    if (chatNext.size > 1000) for (const [chat, next] of chatNext) if (next <= now) chatNext.delete(chat);
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

  function reserve(chatId: number): Reservation {
    const now = clock.now();
    prune(now);
    const previousChatNext = chatNext.get(chatId);
    const at = firstFreeSlot(Math.max(now, pausedUntil, previousChatNext ?? 0, lastStart + spacing));
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
        lastStart = Math.max(lastStart, t);
        chatNext.set(chatId, Math.max(chatNext.get(chatId) ?? 0, t + perChat));
      },
    };
    return reservation;
  }

  return {
    reserve,

    /**
     * Waits for a send slot for this chat. True: send now. False: `signal` aborted first (the
     * slot is given back).
     */
    async acquire(chatId: number, signal?: AbortSignal): Promise<boolean> {
      let slot = reserve(chatId);
      for (;;) {
        // Timers fire late, never early, and two late ones may fire together: the spacing is
        // kept between the moments sends really start, not only between bookings.
        const wait = Math.max(slot.at, lastStart + spacing) - clock.now();
        if (wait > 0) await clock.sleep(wait, signal);
        if (signal?.aborted) {
          slot.cancel();
          return false;
        }
        // A 429 arrived while this send was waiting: book again after the pause.
        if (clock.now() < pausedUntil) {
          slot.cancel();
          slot = reserve(chatId);
          continue;
        }
        if (clock.now() < lastStart + spacing) continue;
        slot.start();
        return true;
      }
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
