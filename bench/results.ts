import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { machine } from "./processes";

/**
 * The head every results file starts with: what ran, when, on what. `BENCH_NOTE` adds a line
 * (e.g. "machine shared with other test runs"); the load average before and after shows how
 * busy the machine was whether or not anyone wrote a note.
 */
export function resultsHead(name: string, postgres: string, loadBefore: number[]): string[] {
  const m = machine();
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(" / ");
  const note = process.env.BENCH_NOTE?.trim();
  return [
    `# ${name} — ${new Date().toISOString().slice(0, 10)}`,
    "",
    `machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM · node ${m.node} · PostgreSQL ${postgres} · commit ${m.commit}`,
    `load average (1/5/15 min): ${load(loadBefore)} at the start, ${load(os.loadavg())} at the end (${m.cores} cores)`,
    ...(note ? [`note: ${note}`] : []),
  ];
}

/** Keeps a benchmark's output as bench/results/<name>.md; true when no line says FAIL. */
export function writeResults(name: string, lines: string[]): boolean {
  const text = `${lines.join("\n")}\n`;
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(`bench/results/${name}.md`, text);
  return !lines.some((l) => /\bFAIL\b/.test(l));
}
