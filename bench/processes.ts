import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

const kb = (text: string, field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);

/** Resident set and its peak (VmHWM) of one process, in MB. */
export function residentMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return { rss: kb(status, "VmRSS") / 1024, peak: kb(status, "VmHWM") / 1024 };
}

const parentOf = (pid: string): number | undefined => {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1]);
  } catch {
    return undefined; // gone meanwhile
  }
};

const pssKb = (pid: number): number => {
  try {
    return kb(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"), "Pss");
  } catch {
    return 0; // a backend that ended meanwhile holds nothing
  }
};

/**
 * The database's memory: proportional set size (shared pages split among the processes that
 * map them, so shared_buffers counts once) of the postmaster and every process it started.
 */
export function serverPss(postmaster: number): { mb: number; processes: number } {
  const children = readdirSync("/proc").filter((p) => /^\d+$/.test(p) && parentOf(p) === postmaster).map(Number);
  const pids = [postmaster, ...children];
  return { mb: pids.reduce((sum, pid) => sum + pssKb(pid), 0) / 1024, processes: pids.length };
}

export function machine(): { cpu: string; cores: number; ramGb: string; node: string; commit: string } {
  const cpus = os.cpus();
  let commit = "?";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    // Results files are written by the benchmarks themselves: one left by an earlier run does not make the code differ.
    const changed = execFileSync("git", ["status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results"], { encoding: "utf8" }).trim();
    if (changed) commit += " (with uncommitted changes)";
  } catch {
    // Not a git checkout: the figure is still worth printing.
  }
  return { cpu: cpus[0]?.model.trim() ?? "?", cores: cpus.length, ramGb: (os.totalmem() / 2 ** 30).toFixed(1), node: process.version, commit };
}
