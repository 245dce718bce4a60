import { describe, expect, it } from "vitest";
import { CHART_COLOURS, formatDailyChart, tickStep } from "../../src/bot/format/chart";
import { calendarDays, type DayCounts } from "../../src/db/queries/stats";

const day = (d: string, c: Partial<Record<0 | 1 | 2 | -1, number>>): DayCounts => {
  const counts = { 0: c[0] ?? 0, 1: c[1] ?? 0, 2: c[2] ?? 0, [-1]: c[-1] ?? 0 };
  return { day: d, counts: { all: counts[0] + counts[1] + counts[2] + counts[-1], ...counts } };
};

describe("the daily chart", () => {
  it("steps the value axis by 1, 2 or 5 × 10ⁿ", () => {
    expect([0, 3, 7, 12, 48, 99, 230, 4_100].map(tickStep)).toEqual([1, 1, 2, 5, 10, 20, 50, 1_000]);
  });

  it("stacks each day's bars, confirmed at the bottom, heights in proportion", () => {
    const svg = formatDailyChart([day("2026-11-29", { 2: 3, 1: 1 }), day("2026-11-30", { 0: 2, [-1]: 2 })]);
    const bars = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="(#\w+)"\/>/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
      h: Number(m[3]),
      fill: m[4],
    }));
    expect(bars.map((b) => b.fill)).toEqual([CHART_COLOURS[2], CHART_COLOURS[1], CHART_COLOURS[0], CHART_COLOURS[-1]]);
    // 3 and 1 stack on day one; the first starts on the axis, the second on top of it.
    expect(bars[0]!.y + bars[0]!.h).toBeCloseTo(432, 0);
    expect(bars[1]!.y + bars[1]!.h).toBeCloseTo(bars[0]!.y, 1);
    expect(bars[0]!.h / bars[1]!.h).toBeCloseTo(3, 5);
    expect(bars[2]!.x).toBeGreaterThan(bars[0]!.x);
    expect(svg).not.toContain("<text");
  });

  it("draws an empty month without dividing by zero", () => {
    const svg = formatDailyChart(calendarDays(new Date("2026-11-30T12:00:00Z"), "Europe/Moscow", 30).map((d) => day(d, {})));
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg.match(/<rect /g)).toHaveLength(1); // the background
  });
});

describe("calendarDays", () => {
  it("counts back from today in the display zone, across a month's end", () => {
    // 22:30 UTC on the 30th is already the 1st in Moscow.
    expect(calendarDays(new Date("2026-11-30T22:30:00Z"), "Europe/Moscow", 3)).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
    expect(calendarDays(new Date("2026-03-01T05:00:00Z"), "America/Los_Angeles", 2)).toEqual(["2026-02-27", "2026-02-28"]);
  });
});
