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
    await clock.advanceTo(349);
    expect(starts).toEqual([0, 250]);
    await clock.advanceTo(350);
    expect(starts).toEqual([0, 250, 350]);
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
