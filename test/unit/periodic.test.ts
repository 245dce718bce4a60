import { describe, expect, it } from "vitest";
import { periodic } from "../../src/periodic";
import { virtualClock } from "../helpers/clocks";

/** A task the test finishes by hand, counting its runs and how many ran at once. */
function heldTask() {
  const state = { runs: 0, running: 0, mostAtOnce: 0, finish: [] as Array<() => void> };
  const task = () =>
    new Promise<void>((resolve) => {
      state.runs++;
      state.running++;
      state.mostAtOnce = Math.max(state.mostAtOnce, state.running);
      state.finish.push(() => {
        state.running--;
        resolve();
      });
    });
  return { state, task, finishOne: () => state.finish.shift()!() };
}

describe("periodic", () => {
  it("runs at start, then every interval after the run ends, one run at a time; stop waits for the run in progress", async () => {
    const clock = virtualClock();
    const { state, task, finishOne } = heldTask();
    const job = periodic(task, { everyMs: 1_000, clock, onError: () => {} });
    job.start();
    await clock.advanceTo(0);
    expect(state.runs).toBe(1);

    // Asked again while the first is running: it waits its turn.
    const asked = job.tick();
    await clock.advanceTo(5_000);
    expect(state.runs).toBe(1);
    finishOne();
    await clock.advanceTo(5_000);
    expect(state.runs).toBe(2);
    finishOne();
    await asked;

    // The interval counts from the end of the run.
    await clock.advanceTo(5_999);
    expect(state.runs).toBe(2);
    await clock.advanceTo(6_000);
    expect(state.runs).toBe(3);

    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await clock.advanceTo(6_000);
    expect(stopped).toBe(false);
    finishOne();
    await stopping;
    await clock.advanceTo(60_000);
    expect({ runs: state.runs, mostAtOnce: state.mostAtOnce }).toEqual({ runs: 3, mostAtOnce: 1 });
  });

  it("hands a failed run to onError and runs again at the next interval; tick() shows the failure to its caller", async () => {
    const clock = virtualClock();
    const errors: unknown[] = [];
    let runs = 0;
    const job = periodic(
      async () => {
        runs++;
        if (runs <= 2) throw new Error(`run ${runs} failed`);
      },
      { everyMs: 1_000, clock, onError: (err) => errors.push(err) },
    );
    job.start();
    await clock.advanceTo(0);
    await expect(job.tick()).rejects.toThrow("run 2 failed");
    await clock.advanceTo(1_000);
    await job.stop();
    expect({ runs, errors: errors.map((e) => (e as Error).message) }).toEqual({ runs: 3, errors: ["run 1 failed"] });
  });
});
