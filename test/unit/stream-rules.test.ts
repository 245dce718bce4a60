import { describe, expect, it } from "vitest";
import { checkTitle, parseStartDate, suggestNextStream, titleForCode, zonedTime } from "../../src/bookings/stream-rules";

describe("suggestNextStream", () => {
  it("follows the highest numbered code, with English ordinals", () => {
    expect(suggestNextStream(["3rd_stream", "4th_stream", "8th_stream", "mentoring"])).toEqual({ code: "9th_stream", title: "9-й поток" });
    expect(suggestNextStream(["10th_stream", "9th_stream"])).toEqual({ code: "11th_stream", title: "11-й поток" });
    expect(suggestNextStream(["20th_stream"])).toEqual({ code: "21st_stream", title: "21-й поток" });
    expect(suggestNextStream(["21st_stream"])).toEqual({ code: "22nd_stream", title: "22-й поток" });
    expect(suggestNextStream(["22nd_stream"])).toEqual({ code: "23rd_stream", title: "23-й поток" });
    expect(suggestNextStream(["111th_stream"]).code).toBe("112th_stream");
    expect(suggestNextStream(["112th_stream"]).code).toBe("113th_stream");
  });

  it("starts at 1st_stream; a code with an odd suffix still counts by its number", () => {
    expect(suggestNextStream([])).toEqual({ code: "1st_stream", title: "1-й поток" });
    expect(suggestNextStream(["mentoring", "a-stream"]).code).toBe("1st_stream");
    expect(suggestNextStream(["4rd_stream", "3th_stream"]).code).toBe("5th_stream");
  });

  it("titles only numbered codes", () => {
    expect(titleForCode("12th_stream")).toBe("12-й поток");
    expect(titleForCode("mentoring")).toBeUndefined();
  });
});

describe("checkTitle", () => {
  it("trims, keeps one line, counts characters not UTF-16 units", () => {
    expect(checkTitle("  Вайб\n  кодинг \t2 ", 100)).toEqual({ title: "Вайб кодинг 2" });
    expect(checkTitle("😀".repeat(50), 50)).toEqual({ title: "😀".repeat(50) });
    expect(checkTitle("😀".repeat(51), 50)).toEqual({ problem: { kind: "too-long", max: 50, length: 51 } });
    expect(checkTitle(" \n ", 50)).toEqual({ problem: { kind: "empty" } });
  });
});

describe("parseStartDate", () => {
  const tz = "Europe/Moscow";
  // 01.11.2026 12:00 in Moscow.
  const now = new Date("2026-11-01T09:00:00Z");
  const parse = (text: string, keepTimeOf?: Date) => parseStartDate(text, { timeZone: tz, now, ...(keepTimeOf ? { keepTimeOf } : {}) });

  it("reads DD.MM.YYYY as midnight in the display zone, or keeps the stream's time of day", () => {
    expect(parse("15.01.2027")).toEqual({ date: new Date("2027-01-14T21:00:00Z") });
    expect(parse(" 5.1.2027 ")).toEqual({ date: new Date("2027-01-04T21:00:00Z") });
    expect(parse("15.01.2027", new Date("2026-12-01T16:00:00Z"))).toEqual({ date: new Date("2027-01-15T16:00:00Z") });
    expect(parse("15.01.2027 19:30")).toEqual({ date: new Date("2027-01-15T16:30:00Z") });
  });

  it("allows today, refuses the past, impossible dates, typos and far years", () => {
    expect(parse("01.11.2026")).toEqual({ date: new Date("2026-10-31T21:00:00Z") });
    expect(parse("01.11.2026 18:00")).toEqual({ date: new Date("2026-11-01T15:00:00Z") });
    expect(parse("01.11.2026 11:59")).toEqual({ problem: "past" });
    expect(parse("31.10.2026")).toEqual({ problem: "past" });
    expect(parse("31.02.2027")).toEqual({ problem: "no-such-date" });
    expect(parse("29.02.2028")).toEqual({ date: new Date("2028-02-28T21:00:00Z") });
    expect(parse("01.13.2027")).toEqual({ problem: "no-such-date" });
    expect(parse("00.01.2027")).toEqual({ problem: "no-such-date" });
    expect(parse("15.01.2027 24:00")).toEqual({ problem: "no-such-date" });
    expect(parse("01.01.2032")).toEqual({ problem: "too-far" });
    for (const bad of ["", "2027-01-15", "15/01/2027", "15.01.27", "15.01.2027г", "завтра", "15.01.2027 7", "1e1.01.2027", "١٥.٠١.٢٠٢٧"]) {
      expect(parse(bad), bad).toEqual({ problem: "format" });
    }
  });

  it("converts wall-clock time across daylight saving changes", () => {
    // Berlin: clocks go forward on 28.03.2027 (02:00 → 03:00) and back on 31.10.2027.
    expect(zonedTime({ year: 2027, month: 3, day: 27, hour: 12, minute: 0 }, "Europe/Berlin")).toEqual(new Date("2027-03-27T11:00:00Z"));
    expect(zonedTime({ year: 2027, month: 3, day: 29, hour: 12, minute: 0 }, "Europe/Berlin")).toEqual(new Date("2027-03-29T10:00:00Z"));
    expect(zonedTime({ year: 2027, month: 11, day: 1, hour: 0, minute: 0 }, "Europe/Berlin")).toEqual(new Date("2027-10-31T23:00:00Z"));
    expect(zonedTime({ year: 2027, month: 1, day: 1, hour: 0, minute: 0 }, "UTC")).toEqual(new Date("2027-01-01T00:00:00Z"));
  });
});
