import { Resvg } from "@resvg/resvg-js";
import type { DayCounts } from "../../db/queries/stats";

/**
 * The /stats picture: bookings per day, stacked by status, as SVG. Labels are drawn as paths
 * (seven-segment digits), not text, so the PNG looks the same on a server without any fonts;
 * what the colours mean is said in the photo's caption, in the admin's language.
 */

export const CHART_COLOURS = { 2: "#34a853", 1: "#fbbc04", 0: "#9aa0a6", [-1]: "#ea4335" } as const;
/** Bottom to top: confirmed first, so the growth that matters sits on the axis. */
const STACK = [2, 1, 0, -1] as const;

const WIDTH = 960;
const HEIGHT = 480;
const PLOT = { left: 64, right: 16, top: 24, bottom: 48 };
const DIGIT = { w: 8, h: 14, gap: 4 };

//        a
//      f   b
//        g
//      e   c
//        d
const SEGMENTS: Record<string, string> = {
  "0": "abcdef",
  "1": "bc",
  "2": "abged",
  "3": "abgcd",
  "4": "fgbc",
  "5": "afgcd",
  "6": "afgedc",
  "7": "abc",
  "8": "abcdefg",
  "9": "abcdfg",
};

function segment(s: string, x: number, y: number): string {
  const { w, h } = DIGIT;
  const m = h / 2;
  const lines: Record<string, [number, number, number, number]> = {
    a: [0, 0, w, 0],
    b: [w, 0, w, m],
    c: [w, m, w, h],
    d: [0, h, w, h],
    e: [0, m, 0, h],
    f: [0, 0, 0, m],
    g: [0, m, w, m],
  };
  const [x1, y1, x2, y2] = lines[s]!;
  return `M${x + x1} ${y + y1}L${x + x2} ${y + y2}`;
}

/** How far a character moves the pen: a dot and a one are narrow, as in a proportional font. */
const advance = (ch: string) => (ch === "." || ch === "1" ? DIGIT.gap + 2 : DIGIT.w + DIGIT.gap);

/** A label of digits and dots, its top-left corner at (x, y). */
function label(text: string, x: number, y: number): string {
  let d = "";
  let at = x;
  for (const ch of text) {
    if (ch === ".") d += `M${at} ${y + DIGIT.h}h1.5`;
    else if (ch === "1") d += `M${at} ${y}V${y + DIGIT.h}`;
    else for (const s of SEGMENTS[ch] ?? "") d += segment(s, at, y);
    at += advance(ch);
  }
  return d;
}

const labelWidth = (text: string) => [...text].reduce((w, ch) => w + advance(ch), 0) - DIGIT.gap;

/** A round step for the value axis: 1, 2 or 5 × 10ⁿ, about five ticks, never below one booking. */
export function tickStep(max: number): number {
  const raw = Math.max(1, max) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw) ?? 10 * power);
}

/** `days` oldest first; day labels as DD.MM under every fifth bar and the last one. */
export function formatDailyChart(days: readonly DayCounts[]): string {
  const plotW = WIDTH - PLOT.left - PLOT.right;
  const plotH = HEIGHT - PLOT.top - PLOT.bottom;
  const totals = days.map((d) => STACK.reduce<number>((sum, s) => sum + d.counts[s], 0));
  const step = tickStep(Math.max(0, ...totals));
  const top = Math.max(step, Math.ceil(Math.max(0, ...totals) / step) * step);
  const y = (value: number) => PLOT.top + plotH - (value / top) * plotH;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(1, slot * 0.7);

  const bars: string[] = [];
  days.forEach((day, i) => {
    let base = 0;
    const x = (PLOT.left + i * slot + (slot - barW) / 2).toFixed(1);
    for (const status of STACK) {
      const n = day.counts[status];
      if (n === 0) continue;
      const y1 = y(base + n);
      bars.push(`<rect x="${x}" y="${y1.toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - y1).toFixed(1)}" fill="${CHART_COLOURS[status]}"/>`);
      base += n;
    }
  });

  let grid = "";
  let ticks = "";
  for (let value = 0; value <= top; value += step) {
    const at = y(value);
    grid += `M${PLOT.left} ${at.toFixed(1)}H${WIDTH - PLOT.right}`;
    const text = String(value);
    ticks += label(text, PLOT.left - 10 - labelWidth(text), at - DIGIT.h / 2);
  }
  days.forEach((day, i) => {
    if (i % 5 !== 0 && i !== days.length - 1) return;
    const text = `${day.day.slice(8, 10)}.${day.day.slice(5, 7)}`;
    ticks += label(text, PLOT.left + i * slot + slot / 2 - labelWidth(text) / 2, HEIGHT - PLOT.bottom + 14);
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<path d="${grid}" stroke="#e8eaed" stroke-width="1"/>`,
    ...bars,
    `<path d="M${PLOT.left} ${PLOT.top + plotH}H${WIDTH - PLOT.right}" stroke="#5f6368" stroke-width="1.5"/>`,
    `<path d="${ticks}" stroke="#3c4043" stroke-width="1.6" stroke-linecap="round" fill="none"/>`,
    "</svg>",
  ].join("\n");
}

/** The chart as a PNG (resvg: no browser, no system fonts needed, the same picture everywhere). */
export function renderDailyChartPng(days: readonly DayCounts[]): Buffer {
  return new Resvg(formatDailyChart(days), { font: { loadSystemFonts: false } }).render().asPng();
}
