import { PRIORITY, type Priority } from "../db/schema";
import { systemClock, type Clock } from "./clock";
import { isGroupChat, type CountedAs } from "./methods";

export { PRIORITY, type Priority };
export const PRIORITY_COUNT = Object.keys(PRIORITY).length;

export type SendBudgetOptions = {
  /** This process's share of the bot's messages a second (`setRate` changes it). */
  ratePerSecond: number;
  /** Least time from a private chat's answered message to its next one. */
  privateIntervalMs?: number;
  /** Least time from a group's answered call to its next one (20 a minute at most). */
  groupIntervalMs?: number;
  clock?: Clock;
};

export type SlotRequest = {
  chatId: number;
  priority: Priority;
  /** What Telegram counts the call as (default: a new message). */
  counted?: CountedAs;
  /** Not before this time (another process's interval, a 429 that chat got). */
  notBefore?: number;
  signal?: AbortSignal;
  /** No slot within this long: `undefined` (a claimed message goes back for a more urgent one). */
  maxWaitMs?: number;
};

/** A granted slot; `done` when the call was answered, failed, or was never made. */
export type Slot = { done(): void };

type Waiter = SlotRequest & { seq: number; notBefore: number; counted: CountedAs; grant(slot: Slot | undefined): void };
type ChatState = { onWire: number; freeAt: number; pausedUntil: number };

/** Telegram counts messages per second. */
const WINDOW_MS = 1000;
/** 429s from this many private chats within a second mean the bot as a whole is over: everything pauses. */
const CHATS_FOR_GLOBAL_PAUSE = 3;

export const DEFAULT_PRIVATE_INTERVAL_MS = 1000;
/**
 * Added to a private chat's interval when it is booked in the database for other processes: a
 * booking says when a send may start, Telegram counts when it arrives, and two processes' round
 * trips differ by tens of milliseconds (a group's interval has this margin built in).
 */
export const SHARED_PRIVATE_MARGIN_MS = 250;
/** 60 s / 20 = 3 s; the margin absorbs a send the overall budget held up behind others. */
export const DEFAULT_GROUP_INTERVAL_MS = 3500;

/**
 * One budget for every call the process makes that Telegram's flood limits count — replies,
 * edits and the delivery worker's sends alike — handed out by priority, then first come.
 *
 * A call counts from its start until a second after its answer (it reached Telegram somewhere in
 * between, and we cannot know when): a slot is granted only while fewer than the rate are on the
 * wire or were answered within the last second, and slots are spaced evenly at the rate. So no
 * delay on the way makes Telegram see more than the rate in any second. A chat's next message
 * starts an interval after its previous answer (a private chat's new messages; every counted
 * call in a group) and never while one is on the wire. A 429 holds that chat alone; 429s from
 * several chats at once hold everything.
 *
 * Waiters are served strictly by priority: a broadcast never takes a slot a waiting reply could
 * use, but a reply to a chat that must still wait does not hold back anyone else.
 */
export function createSendBudget(options: SendBudgetOptions) {
  const clock = options.clock ?? systemClock;
  const privateInterval = options.privateIntervalMs ?? DEFAULT_PRIVATE_INTERVAL_MS;
  const groupInterval = options.groupIntervalMs ?? DEFAULT_GROUP_INTERVAL_MS;
  const sharedPrivateInterval = privateInterval + SHARED_PRIVATE_MARGIN_MS;
  let rate = 0;
  let spacing = Number.POSITIVE_INFINITY;
  let perWindow = 0;
  let tolerance = 0;
  let nextAt = Number.NEGATIVE_INFINITY;
  let lastGrantAt = Number.NEGATIVE_INFINITY;
  let onWire = 0;
  /** Answer times within the last second, ascending. */
  let answers: number[] = [];
  let pausedAllUntil = 0;
  let recent429: Array<{ chatId: number; at: number }> = [];
  const chats = new Map<number, ChatState>();
  /** Sorted by priority, then arrival. */
  const waiters: Waiter[] = [];
  let seq = 0;
  let timer: { at: number; stop: AbortController } | undefined;
  /** Calls answered, and their time on the wire in all: what a second's slots cost, for the log. */
  let granted = 0;
  let wireMs = 0;
  /** Other live processes send on the same database (budget-shares says so). */
  let sharing = false;

  function setRate(perSecond: number): void {
    rate = Math.max(0, perSecond);
    spacing = rate > 0 ? 1000 / rate : Number.POSITIVE_INFINITY;
    perWindow = Math.floor(rate + 1e-9);
    // How early a grant may come against the schedule: more than a late timer, less than a slot.
    tolerance = Number.isFinite(spacing) ? spacing / 8 : 0;
    // The next slot follows the last grant at the new spacing (none yet: at once).
    nextAt = Number.isFinite(lastGrantAt) ? lastGrantAt + spacing : Number.NEGATIVE_INFINITY;
    pump();
  }

  const chatOf = (chatId: number): ChatState => {
    let state = chats.get(chatId);
    if (!state) chats.set(chatId, (state = { onWire: 0, freeAt: 0, pausedUntil: 0 }));
    return state;
  };

  /** Whether the chat's interval applies: a private chat's new messages, a group's every call. */
  const perChat = (w: Pick<Waiter, "chatId" | "counted">) => w.counted === "send" || isGroupChat(w.chatId);
  const intervalOf = (chatId: number) => (isGroupChat(chatId) ? groupInterval : privateInterval);

  function prune(now: number): void {
    let drop = 0;
    while (drop < answers.length && answers[drop]! <= now - WINDOW_MS) drop++;
    if (drop > 0) answers = answers.slice(drop);
    if (chats.size > 1000) {
      for (const [id, c] of chats) if (c.onWire === 0 && c.freeAt <= now && c.pausedUntil <= now) chats.delete(id);
    }
  }

  function globalReadyAt(now: number): number {
    // Up to `tolerance` early against the schedule is on time; otherwise wake exactly at it.
    let at = Math.max(pausedAllUntil, nextAt - tolerance <= now ? now : nextAt);
    const excess = onWire + answers.length - perWindow + 1;
    // Enough answers leave the window at answers[excess - 1] + 1 s; with more on the wire than
    // that, only an answer can free a slot (done() looks again).
    if (excess > 0) at = Math.max(at, excess <= answers.length ? answers[excess - 1]! + WINDOW_MS : Number.POSITIVE_INFINITY);
    return at;
  }

  function chatReadyAt(w: Waiter): number {
    const chat = chats.get(w.chatId);
    let at = Math.max(w.notBefore, chat?.pausedUntil ?? 0);
    if (chat && perChat(w)) {
      if (chat.onWire > 0) return Number.POSITIVE_INFINITY;
      at = Math.max(at, chat.freeAt);
    }
    return at;
  }

  function wakeAt(at: number): void {
    if (!Number.isFinite(at) || (timer && timer.at <= at)) return;
    timer?.stop.abort();
    const stop = new AbortController();
    const mine = { at, stop };
    timer = mine;
    void clock.sleep(at - clock.now(), stop.signal).then(() => {
      if (timer !== mine) return;
      timer = undefined;
      pump();
    });
  }

  function remove(w: Waiter): boolean {
    const i = waiters.indexOf(w);
    if (i < 0) return false;
    waiters.splice(i, 1);
    return true;
  }

  function grant(w: Waiter, now: number): void {
    remove(w);
    onWire++;
    lastGrantAt = now;
    // From the schedule, not from this grant: a timer firing a millisecond late must not push
    // every later slot back by it (at 30/s that drift alone cost 2 % of the rate).
    nextAt = (nextAt >= now - tolerance ? nextAt : now) + spacing;
    const counted = perChat(w);
    const chat = chatOf(w.chatId);
    if (counted) chat.onWire++;
    let open = true;
    w.grant({
      done() {
        if (!open) return;
        open = false;
        const t = clock.now();
        granted++;
        wireMs += t - now;
        onWire = Math.max(0, onWire - 1);
        answers.push(t);
        if (counted) {
          chat.onWire = Math.max(0, chat.onWire - 1);
          chat.freeAt = Math.max(chat.freeAt, t + intervalOf(w.chatId));
        }
        pump();
      },
    });
  }

  function pump(): void {
    const now = clock.now();
    prune(now);
    for (;;) {
      if (waiters.length === 0) return;
      const ready = globalReadyAt(now);
      if (ready > now) return wakeAt(ready);
      let best: Waiter | undefined;
      let earliest = Number.POSITIVE_INFINITY;
      for (const w of waiters) {
        const at = chatReadyAt(w);
        if (at <= now) {
          best = w;
          break;
        }
        earliest = Math.min(earliest, at);
      }
      if (!best) return wakeAt(earliest);
      grant(best, now);
    }
  }

  function insert(w: Waiter): void {
    let i = waiters.length;
    while (i > 0 && waiters[i - 1]!.priority > w.priority) i--;
    waiters.splice(i, 0, w);
  }

  setRate(options.ratePerSecond);

  return {
    /** Waits for a slot; `undefined` if `signal` aborted or `maxWaitMs` passed first. */
    acquire(request: SlotRequest): Promise<Slot | undefined> {
      if (request.signal?.aborted) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const giveUp = new AbortController();
        const onAbort = () => {
          if (remove(w)) finish(undefined);
        };
        const finish = (slot: Slot | undefined) => {
          giveUp.abort();
          request.signal?.removeEventListener("abort", onAbort);
          resolve(slot);
        };
        const w: Waiter = { ...request, seq: seq++, notBefore: request.notBefore ?? 0, counted: request.counted ?? "send", grant: finish };
        insert(w);
        request.signal?.addEventListener("abort", onAbort, { once: true });
        if (request.maxWaitMs !== undefined) {
          void clock.sleep(request.maxWaitMs, giveUp.signal).then(() => {
            if (!giveUp.signal.aborted && remove(w)) finish(undefined);
          });
        }
        pump();
      });
    },

    /** Telegram answered 429 for this chat: it waits `ms`; several private chats at once, everyone does. */
    rateLimited(chatId: number, ms: number): void {
      const now = clock.now();
      const chat = chatOf(chatId);
      chat.pausedUntil = Math.max(chat.pausedUntil, now + ms);
      // A group's 429 is its own 20-a-minute limit, tens of seconds long: never a sign that the
      // bot as a whole is over, and pausing every chat for it is what launch day must not do.
      if (isGroupChat(chatId)) return pump();
      recent429 = recent429.filter((r) => r.at > now - WINDOW_MS && r.chatId !== chatId);
      recent429.push({ chatId, at: now });
      if (recent429.length >= CHATS_FOR_GLOBAL_PAUSE) pausedAllUntil = Math.max(pausedAllUntil, now + ms);
      pump();
    },

    /** Until when this chat waits after a 429 (0 or past: it does not). */
    pausedUntil: (chatId: number): number => Math.max(pausedAllUntil, chats.get(chatId)?.pausedUntil ?? 0),

    setRate,
    rate: () => rate,
    /** A chat's interval booked in the database, for pacing it across processes too. */
    sharedIntervalOf: (chatId: number): number => (isGroupChat(chatId) ? groupInterval : sharedPrivateInterval),
    sharedPrivateIntervalMs: sharedPrivateInterval,
    /**
     * Whether other processes send on the same database: then a private chat's interval is kept
     * across processes too (one process may answer a student while another's worker writes to them).
     */
    setSharing(others: boolean): void {
      sharing = others;
    },
    sharing: (): boolean => sharing,

    /** Calls that still count against this second (on the wire, or answered within it). */
    inWindow(): number {
      prune(clock.now());
      return onWire + answers.length;
    },

    /** Calls answered so far, and their mean time from start to answer. */
    stats: () => ({ calls: granted, meanWireMs: granted ? wireMs / granted : 0 }),

    /** Calls waiting for a slot, per priority (what this process would send if it could). */
    waiting(): number[] {
      const counts = new Array<number>(PRIORITY_COUNT).fill(0);
      for (const w of waiters) counts[w.priority]!++;
      return counts;
    },
  };
}

export type SendBudget = ReturnType<typeof createSendBudget>;
