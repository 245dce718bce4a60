/** Timing and plain-text tables; the benchmark reports figures and never judges them. */

export const now = (): number => performance.now();

export type Summary = { n: number; p50: number; p95: number; max: number };

/** Nearest-rank percentiles over the samples (ms). */
export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? NaN };
}

/** Runs `fn` `times` times, one after another, and returns the durations in ms. */
export async function sample(times: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = now();
    await fn(i);
    out.push(now() - started);
  }
  return out;
}

export const ms = (x: number): string => (Number.isNaN(x) ? "-" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
export const int = (x: number): string => Math.round(x).toLocaleString("en-US");
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Left-aligned first column, right-aligned others. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export const memory = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers };
};

/** One row per case: n, p50, p95, max (ms). */
export function timingTable(title: string, rows: Array<{ label: string; samples: number[] }>): string {
  return table(
    [title, "n", "p50", "p95", "max"],
    rows.map(({ label, samples }) => {
      const s = summarize(samples);
      return [label, String(s.n), ms(s.p50), ms(s.p95), ms(s.max)];
    }),
  );
}
