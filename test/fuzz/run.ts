import fc from "fast-check";

/**
 * How the fuzz files run: a fixed seed (override with FUZZ_SEED to explore, FUZZ_SCALE to run
 * more or fewer cases), and a report whose counterexamples stay readable.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_101);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
export const fuzz = <T>(numRuns: number): fc.Parameters<T> => ({
  seed: FUZZ_SEED,
  numRuns: Math.max(1, Math.round(numRuns * SCALE)),
  reporter: shortReport,
});

/** fast-check's report, with 4096-character counterexamples cut to something readable. */
function shortReport<T>(details: fc.RunDetails<T>): void {
  if (!details.failed) return;
  const example = JSON.stringify(details.counterexample, (_key, value: unknown) =>
    typeof value === "string" && value.length > 300 ? `${value.slice(0, 300)}…(${value.length} chars)` : value,
  );
  const cause = details.errorInstance;
  throw new Error(
    `Property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}", shrunk ${details.numShrinks} times)\n` +
      `Counterexample: ${example}\n${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  );
}
