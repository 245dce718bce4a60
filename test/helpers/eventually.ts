import { onTestFinished, type TestContext } from "vitest";

type Probe<T> = () => T | undefined | false | Promise<T | undefined | false>;

/**
 * Waits for something a test can observe (a log line, a fake Bot API call, a database row) and
 * returns what `probe` found: anything but `undefined` or `false`.
 *
 * It sets no deadline of its own: how long a slow machine takes is no verdict, so the only bound
 * is the test's time-out. When that fails the test, the report names what was still awaited
 * (with `context()`, e.g. a child process's output), and the polling stops.
 */
export async function eventually<T>(what: string, probe: Probe<T>, options: { context?: () => string } = {}): Promise<T> {
  let waiting = true;
  let ended = false;
  try {
    onTestFinished((ctx: TestContext) => {
      ended = true;
      const result = ctx.task.result;
      if (waiting && result?.state === "fail") {
        const context = options.context?.();
        (result.errors ??= []).push({ name: "StillWaiting", message: `still waiting for ${what}${context ? `; output:\n${context}` : ""}` });
      }
    });
  } catch {
    // Called from a hook, not a test: the hook's own time-out is the bound.
  }
  try {
    for (;;) {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      if (ended) throw new Error(`the test ended while waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    waiting = false;
  }
}
