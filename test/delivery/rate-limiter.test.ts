import { describe, expect, it } from "vitest";
import { createRateLimiter, type DeliveryClock } from "../../src/delivery/rate-limiter";

/** Virtual time: `sleep` waits until the test moves the clock past its end. */
function manualClock() {
  let now = 0;
  let sleepers: Array<{ at: number; wake: () => void }> = [];
  const clock: DeliveryClock & { advanceTo(t: number): Promise<void> } = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        sleepers.push({ at: now + ms, wake: resolve });
        signal?.addEventListener("abort", () => resolve(), { once: true });
      }),
    async advanceTo(t) {
      now = t;
      const due = sleepers.filter((s) => s.at <= t);
      sleepers = sleepers.filter((s) => s.at > t);
      for (const s of due) s.wake();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    },
  };
  return clock;
}

/** Virtual time that jumps forward on every sleep: sequential sends, no waiting. */
function jumpingClock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += Math.max(0, ms)) } satisfies DeliveryClock;
}

/** Virtual time whose timers all fire `lateMs` late, as Node's do (a 33.3 ms timer fires after 34). */
function lateClock(lateMs: number) {
  let now = 0;
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  const clock: DeliveryClock & { runUntil(t: number): Promise<void> } = {
    now: () => now,
    sleep: (ms) => new Promise<void>((resolve) => sleepers.push({ at: now + Math.max(0, ms) + lateMs, wake: resolve })),
    async runUntil(t) {
      for (;;) {
        await new Promise((r) => setImmediate(r));
        sleepers.sort((x, y) => x.at - y.at);
        const next = sleepers[0];
        if (!next || next.at > t) break;
        sleepers.shift();
        now = next.at;
        next.wake();
      }
      now = t;
    },
  };
  return clock;
}

describe("rate limiter", () => {
  it("spaces sends evenly at the global rate", () => {
    const limiter = createRateLimiter({ ratePerSecond: 10, perChatIntervalMs: 1000, clock: jumpingClock() });
    const slots = Array.from({ length: 10 }, (_, chat) => limiter.reserve(chat).at);
    expect(slots).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });

  it("keeps a chat's interval without holding back the other chats", () => {
    const limiter = createRateLimiter({ ratePerSecond: 10, perChatIntervalMs: 1000, clock: jumpingClock() });
    expect(limiter.reserve(1).at).toBe(0);
    expect(limiter.reserve(1).at).toBe(1000);
    // Chat 2 takes the free slot right after chat 1's first send, not the one after its second.
    expect(limiter.reserve(2).at).toBe(100);
    expect(limiter.reserve(3).at).toBe(200);
  });

  it("never allows more than the rate in any second, nor two sends to a chat within the interval", async () => {
    const clock = jumpingClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, perChatIntervalMs: 1000, clock });
    const sends: Array<{ chat: number; at: number }> = [];
    for (let i = 0; i < 60; i++) {
      const chat = i % 3 === 0 ? 1 : i % 7; // one busy chat among others
      await limiter.acquire(chat);
      sends.push({ chat, at: clock.now() });
      limiter.finished(chat);
    }
    for (let i = 10; i < sends.length; i++) expect(sends[i]!.at - sends[i - 10]!.at).toBeGreaterThanOrEqual(1000);
    const byChat = new Map<number, number[]>();
    for (const s of sends) byChat.set(s.chat, [...(byChat.get(s.chat) ?? []), s.at]);
    for (const times of byChat.values()) for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
  });

  it("a 429 pause holds every send, including one already waiting for its slot", async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, perChatIntervalMs: 0, clock });
    expect(await limiter.acquire(1)).toBe(true); // slot 0
    let second: boolean | undefined;
    void limiter.acquire(2).then((ok) => (second = ok)); // slot 100
    await clock.advanceTo(50);
    limiter.pause(1000); // until 1050
    await clock.advanceTo(100);
    expect(second).toBeUndefined();
    await clock.advanceTo(1049);
    expect(second).toBeUndefined();
    await clock.advanceTo(1050);
    expect(second).toBe(true);
    expect(limiter.reserve(3).at).toBe(1150);
  });

  it("keeps the spacing between real starts when timers fire late together", async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, perChatIntervalMs: 0, clock });
    const starts: number[] = [];
    const send = (chat: number) => limiter.acquire(chat).then(() => starts.push(clock.now()));
    void send(1); // 0
    void send(2); // booked 100
    void send(3); // booked 200
    await clock.advanceTo(0);
    await clock.advanceTo(250); // both late timers fire in one go
    expect(starts).toEqual([0, 250]);
    // The next start may come up to an eighth of the spacing early (12.5 ms at 10/s), no earlier.
    await clock.advanceTo(337);
    expect(starts).toEqual([0, 250]);
    await clock.advanceTo(338);
    expect(starts).toEqual([0, 250, 338]);
  });

  it("does not let timers that fire late push every later send back", async () => {
    const clock = lateClock(1);
    const limiter = createRateLimiter({ ratePerSecond: 10, perChatIntervalMs: 0, clock });
    const starts: number[] = [];
    for (let chat = 1; chat <= 10; chat++) {
      void limiter.acquire(chat).then(() => {
        starts.push(clock.now());
        limiter.finished(chat);
      });
    }
    await clock.runUntil(2_000);
    // Each send 1 ms late, none later: not 0, 101, 202, … 909 as spacing from the last real start gave.
    expect(starts).toEqual([0, 101, 201, 301, 401, 501, 601, 701, 801, 901]);
  });

  it("counts a send until a second after its answer, so Telegram never sees more than the rate in a second", async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, perChatIntervalMs: 0, clock });
    const starts: number[] = [];
    const answered: number[] = [];
    for (let chat = 1; chat <= 11; chat++) void limiter.acquire(chat).then(() => starts.push(clock.now()));
    // Every send is answered 50 ms after it starts: it reached Telegram at some moment in between.
    for (let t = 0; t <= 1_100; t++) {
      await clock.advanceTo(t);
      starts.forEach((at, i) => {
        if (at + 50 === t) {
          limiter.finished(i + 1);
          answered.push(t);
        }
      });
    }
    expect(starts.slice(0, 10)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    // Not at 1000: the first send may have reached Telegram as late as its answer at 50.
    expect(starts[10]).toBe(1_050);
    expect(answered[0]).toBe(50);
  });

  it("waits a chat's interval from the previous answer, and while a send to it is on the wire", async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, perChatIntervalMs: 1000, clock });
    expect(await limiter.acquire(1)).toBe(true); // at 0, answered at 300 below
    let next: number | undefined;
    void limiter.acquire(1).then(() => (next = clock.now()));
    await clock.advanceTo(1_200);
    expect(next).toBeUndefined(); // still on the wire: not even at the booked 1000
    limiter.finished(1);
    await clock.advanceTo(2_199);
    expect(next).toBeUndefined();
    await clock.advanceTo(2_200);
    expect(next).toBe(2_200);
  });

  it("does not start before the time it is given (another process's interval)", async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, perChatIntervalMs: 1000, clock });
    let started: number | undefined;
    void limiter.acquire(5, undefined, 700).then(() => (started = clock.now()));
    await clock.advanceTo(699);
    expect(started).toBeUndefined();
    await clock.advanceTo(700);
    expect(started).toBe(700);
    expect(limiter.reserve(6).at).toBe(800);
  });

  it("gives the slot back when the wait is aborted", async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, perChatIntervalMs: 1000, clock });
    const stop = new AbortController();
    expect(await limiter.acquire(1)).toBe(true);
    const waiting = limiter.acquire(1, stop.signal); // would be 1000
    stop.abort();
    expect(await waiting).toBe(false);
    expect(limiter.reserve(2).at).toBe(100);
    await clock.advanceTo(1000);
    expect(limiter.reserve(1).at).toBe(1000);
  });
});
