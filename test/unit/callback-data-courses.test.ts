import { describe, expect, it } from "vitest";
import { COUPONS_CHOICE, COURSES_CHOICE, packCoupons, packCourses, parseCoupons, parseCourses, type CoursesCallback, type CouponsCallback } from "../../src/bot/callback-data";

const MAX_SERIAL = 2_147_483_647;
const LONGEST_CODE = "x".repeat(50);
const bytes = (data: string) => Buffer.byteLength(data);

describe("/courses callback data", () => {
  const cases: Array<[string, CoursesCallback]> = [
    ["cs:h", { op: "home" }],
    ["cs:c:0", { op: "course", courseId: 0 }],
    ["cs:c:1", { op: "course", courseId: 1 }],
    ["cs:s:9th_stream", { op: "stream", code: "9th_stream" }],
    ["cs:o:9th_stream", { op: "ask", action: "open", code: "9th_stream" }],
    ["cs:O:9th_stream", { op: "do", action: "open", code: "9th_stream" }],
    ["cs:x:mentoring", { op: "ask", action: "close", code: "mentoring" }],
    ["cs:X:mentoring", { op: "do", action: "close", code: "mentoring" }],
    ["cs:t:A-b_9", { op: "rename-stream", code: "A-b_9" }],
    ["cs:w:9th_stream", { op: "start-date", code: "9th_stream" }],
    ["cs:e:a", { op: "ask", action: "activate", courseId: 10 }],
    ["cs:E:a", { op: "do", action: "activate", courseId: 10 }],
    ["cs:d:zik0zj", { op: "ask", action: "deactivate", courseId: MAX_SERIAL }],
    ["cs:D:zik0zj", { op: "do", action: "deactivate", courseId: MAX_SERIAL }],
    ["cs:r:1", { op: "rename-course", courseId: 1 }],
    ["cs:n:1", { op: "new-stream", courseId: 1 }],
  ];

  it.each(cases)("%s", (data, parsed) => {
    expect(packCourses(parsed)).toBe(data);
    expect(parseCourses(data)).toEqual(parsed);
  });

  it("refuses what no button carries: course 0 actions, big or padded ids, odd codes, conversation buttons", () => {
    for (const bad of ["cs:", "cs:h:", "cs:c:", "cs:c:01", "cs:c:zik0zk", "cs:e:0", "cs:r:0", "cs:n:0", "cs:D:-1", "cs:s:", "cs:s:a b", "cs:s:a:b", "cs:s:поток", `cs:s:${LONGEST_CODE}x`, "cs:q:1", "cs:S:1", "CS:h", ...Object.values(COURSES_CHOICE)]) {
      expect(parseCourses(bad), bad).toBeUndefined();
    }
  });

  it("fits 64 bytes in the worst case (the longest stream code, the largest course id)", () => {
    const worst = [
      ...(["stream", "rename-stream", "start-date"] as const).map((op) => packCourses({ op, code: LONGEST_CODE })),
      ...(["open", "close"] as const).flatMap((action) => (["ask", "do"] as const).map((op) => packCourses({ op, action, code: LONGEST_CODE }))),
      ...(["activate", "deactivate"] as const).map((action) => packCourses({ op: "do", action, courseId: MAX_SERIAL })),
      packCourses({ op: "new-stream", courseId: MAX_SERIAL }),
    ];
    for (const data of worst) expect(parseCourses(data), data).toBeDefined();
    expect(Math.max(...worst.map(bytes))).toBe(55);
  });
});

describe("/coupons callback data", () => {
  const cases: Array<[string, CouponsCallback]> = [
    ["cp:l", { op: "page", anchor: { dir: "first" } }],
    ["cp:o:a", { op: "page", anchor: { dir: "older", id: 10 } }],
    ["cp:n:zik0zj", { op: "page", anchor: { dir: "newer", id: MAX_SERIAL } }],
    ["cp:o:zik0zk", { op: "page", anchor: { dir: "older", id: MAX_SERIAL + 1 } }],
    ["cp:v:1:0", { op: "show", id: 1, back: 0 }],
    ["cp:v:zik0zj:zik0zk", { op: "show", id: MAX_SERIAL, back: MAX_SERIAL + 1 }],
    ["cp:x:5:b", { op: "ask", action: "deactivate", id: 5, back: 11 }],
    ["cp:X:5:b", { op: "do", action: "deactivate", id: 5, back: 11 }],
    ["cp:r:5:0", { op: "ask", action: "reactivate", id: 5, back: 0 }],
    ["cp:R:5:0", { op: "do", action: "reactivate", id: 5, back: 0 }],
    ["cp:+", { op: "create" }],
  ];

  it.each(cases)("%s", (data, parsed) => {
    expect(packCoupons(parsed)).toBe(data);
    expect(parseCoupons(data)).toEqual(parsed);
  });

  it("refuses what no button carries", () => {
    for (const bad of ["cp:", "cp:l:", "cp:o:0", "cp:o:01", "cp:o:zik0zl", "cp:v:1", "cp:v:0:0", "cp:v:zik0zk:0", "cp:v:1:00", "cp:X:1:-1", "cp:y:1:0", "cp:++", "CP:l", COUPONS_CHOICE.custom, COUPONS_CHOICE.noName, COUPONS_CHOICE.generate, COUPONS_CHOICE.yes, COUPONS_CHOICE.no, COUPONS_CHOICE.preset(0)]) {
      expect(parseCoupons(bad), bad).toBeUndefined();
    }
  });

  it("fits 64 bytes in the worst case (the largest ids)", () => {
    const worst = (["deactivate", "reactivate"] as const).flatMap((action) =>
      (["ask", "do"] as const).map((op) => packCoupons({ op, action, id: MAX_SERIAL, back: MAX_SERIAL + 1 })),
    );
    expect(Math.max(...worst.map(bytes))).toBe(18);
    expect(bytes(COUPONS_CHOICE.preset(4))).toBeLessThanOrEqual(64);
  });
});
