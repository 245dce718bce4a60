import { systemClock, type Clock } from "./telegram/clock";

/** A background task that runs every so often until stopped. */
export type Periodic = {
  /** Runs the task now, after any run in progress (tests, or a caller who knows there is work). */
  tick(): Promise<void>;
  start(): void;
  /** Stops the repeats and waits for the run in progress: nothing is left half-done at exit. */
  stop(): Promise<void>;
};

/**
 * Runs `task` at start and then `everyMs` after each run ends, one run at a time (a slow run is
 * never overlapped by the next, in this process; across processes the task's own SQL decides
 * who does what). A failed run is handed to `onError` and the next one tries again.
 */
export function periodic(task: () => Promise<void>, options: { everyMs: number; onError(err: unknown): void; clock?: Clock | undefined }): Periodic {
  const clock = options.clock ?? systemClock;
  const stopping = new AbortController();
  let last: Promise<void> = Promise.resolve();
  let loop: Promise<void> | undefined;

  function tick(): Promise<void> {
    const run = last.then(task);
    last = run.catch(() => {});
    return run;
  }

  async function repeat(): Promise<void> {
    while (!stopping.signal.aborted) {
      await tick().catch(options.onError);
      await clock.sleep(options.everyMs, stopping.signal);
    }
  }

  return {
    tick,
    start() {
      loop ??= repeat();
    },
    async stop() {
      stopping.abort();
      await loop;
      await last;
    },
  };
}
