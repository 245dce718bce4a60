import type { Clock } from "../../src/telegram/clock";

/** Virtual time: `sleep` waits until the test moves the clock past its end. */
export function manualClock() {
  let now = 0;
  let sleepers: Array<{ at: number; wake: () => void }> = [];
  const clock: Clock & { advanceTo(t: number): Promise<void> } = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        sleepers.push({ at: now + ms, wake: resolve });
        signal?.addEventListener("abort", () => resolve(), { once: true });
      }),
    async advanceTo(t) {
      // Step through every wake-up on the way, in order, as real time would.
      for (;;) {
        for (let i = 0; i < 10; i++) await Promise.resolve();
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers[0];
        if (!next || next.at > t) break;
        sleepers.shift();
        now = Math.max(now, next.at);
        next.wake();
      }
      now = t;
      for (let i = 0; i < 10; i++) await Promise.resolve();
    },
  };
  return clock;
}

/** Virtual time whose timers all fire `lateMs` late, as Node's do (a 33.3 ms timer fires after 34). */
export function lateClock(lateMs: number) {
  let now = 0;
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  const clock: Clock & { runUntil(t: number): Promise<void> } = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        sleepers.push({ at: now + Math.max(0, ms) + lateMs, wake: resolve });
        signal?.addEventListener("abort", () => resolve(), { once: true });
      }),
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
