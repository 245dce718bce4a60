import type { Clock } from "../../src/telegram/clock";

/**
 * Virtual time: `sleep` waits until the test moves the clock past its end with `advanceTo`,
 * which wakes every sleeper on the way, in order, as real time would, letting the woken code
 * run (to its next sleep) before the next one.
 *
 * `lateMs`: every timer fires that much late, as Node's do (a 33.3 ms timer fires after 34).
 */
export function virtualClock({ lateMs = 0 }: { lateMs?: number } = {}) {
  let now = 0;
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const clock: Clock & { advanceTo(t: number): Promise<void> } = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        sleepers.push({ at: now + Math.max(0, ms) + lateMs, wake: resolve });
        signal?.addEventListener("abort", () => resolve(), { once: true });
      }),
    async advanceTo(t) {
      for (;;) {
        await settle();
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers[0];
        if (!next || next.at > t) break;
        sleepers.shift();
        now = Math.max(now, next.at);
        next.wake();
      }
      now = t;
      await settle();
    },
  };
  return clock;
}
