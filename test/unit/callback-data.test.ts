import { describe, expect, it } from "vitest";
import {
  BROADCAST_PREVIEW,
  BROADCAST_QUIT,
  REASON_PREVIEW,
  TEMPLATES_MENU,
  TEMPLATE_PREVIEW,
  packBroadcastGroup,
  packBroadcastStatus,
  packList,
  packListEdge,
  packStudentPick,
  parseCard,
  parseCoupons,
  parseCourses,
  parseList,
  parseProof,
  parseStudent,
  parseStudentPick,
  templateResetMenu,
} from "../../src/bot/callback-data";
import { TEMPLATE_KINDS } from "../../src/bookings/templates";
import { FILTERS, firstPageOf, type ListState } from "../../src/bot/list-state";

const MAX_SERIAL = 2_147_483_647;

/** A button of a list sent while the list was an @grammyjs/menu (fingerprint "list-v1"). */

describe("packList", () => {
  it("packs first pages as scope and filter only", () => {
    expect(packList(firstPageOf("all"))).toBe("l:a.a");
    expect(packList(firstPageOf(0))).toBe("l:a.n");
    expect(packList(firstPageOf(1))).toBe("l:a.p");
    expect(packList(firstPageOf(2))).toBe("l:a.c");
    expect(packList(firstPageOf(-1))).toBe("l:a.x");
    expect(packList(firstPageOf(-1, 987654321))).toBe("l:ugc0uy9.x");
  });

  it("packs an anchor with direction, offset and id in base 36", () => {
    expect(packList({ filter: 1, anchor: { dir: "older", id: 12345 }, offset: 20 })).toBe("l:a.p.o.k.9ix");
    expect(packList({ userId: 987654321, filter: "all", anchor: { dir: "newer", id: 1 }, offset: 0 })).toBe(
      "l:ugc0uy9.a.n.0.1",
    );
  });
});

describe("parseList round trip", () => {
  const states: ListState[] = [
    ...FILTERS.map((filter) => firstPageOf(filter)),
    ...FILTERS.map((filter) => firstPageOf(filter, 987654321)),
    { filter: "all", anchor: { dir: "older", id: 124 }, offset: 20 },
    { filter: 2, anchor: { dir: "newer", id: 1 }, offset: 0 },
    { userId: 1, filter: -1, anchor: { dir: "older", id: MAX_SERIAL }, offset: 40 },
    { userId: 42, filter: 0, anchor: { dir: "newer", id: 99 }, offset: 1_000_000 },
  ];

  it.each(states.map((state) => [packList(state), state] as const))("%s", (data, state) => {
    expect(parseList(data)).toEqual(state);
  });
});

describe("worst case size", () => {
  const worst: ListState = {
    userId: Number.MAX_SAFE_INTEGER,
    filter: -1,
    anchor: { dir: "older", id: MAX_SERIAL },
    offset: MAX_SERIAL,
  };

  it("packs the largest ids within Telegram's 64 bytes", () => {
    const data = packList(worst);
    expect(data).toBe("l:u2gosa7pa2gv.x.o.zik0zj.zik0zj");
    expect(Buffer.byteLength(data)).toBe(32);
    expect(parseList(data)).toEqual(worst);
  });

  it("stays within 64 bytes for the widest data the parser accepts", () => {
    const widest = "l:u2gosa7pa2gv.x.o.zik0zj.zik0zj";
    expect(parseList(widest)).toBeDefined();
    expect(parseList("l:u2gosa7pa2gv.x.o.zzzzzz.zik0zj")).toBeUndefined();
    expect(Buffer.byteLength(widest)).toBeLessThanOrEqual(64);
  });
});

describe("edge buttons", () => {
  it("packs and parses the arrows that have nowhere to go", () => {
    expect(packListEdge("newest")).toBe("l:top");
    expect(packListEdge("oldest")).toBe("l:end");
    expect(parseList("l:top")).toEqual({ edge: "newest" });
    expect(parseList("l:end")).toEqual({ edge: "oldest" });
  });
});

describe("buttons of lists sent while the list was a menu", () => {
  it("are not read: the plugin's format is its own", () => {
    expect(parseList("bk/0/0/a.a/f\u0004\u0004\uFFFDQ")).toBeUndefined();
  });
});

describe("forged or broken data", () => {
  const afterPrefix: Array<[string, string]> = [
    ["nothing", ""],
    ["scope only", "a"],
    ["unknown filter", "a.z"],
    ["user id 0", "u0.a"],
    ["user id above 2^53-1", "u2gosa7pa2gw.a"],
    ["user id of 12 digits", "u123456789012.a"],
    ["empty user id", "u.a"],
    ["anchor id 0", "a.a.o.1.0"],
    ["anchor id 2^31", `a.a.o.1.${(MAX_SERIAL + 1).toString(36)}`],
    ["unknown direction", "a.a.q.1.1"],
    ["anchor without id", "a.a.o.1"],
    ["offset of 7 digits", "a.a.o.1000000.1"],
    ["upper case", "A.A"],
    ["negative id", "a.a.o.1.-1"],
    ["slash inside", "a.a/o.1.1"],
    ["leading space", " a.a"],
    ["trailing newline", "a.a\n"],
    ["trailing part", "a.a.o.1.1.1"],
    ["very long", "a".repeat(10_000)],
    ["valid prefix, long tail", `a.a.o.1.1${"1".repeat(1000)}`],
    ["edge with suffix", "top."],
  ];
  const whole: Array<[string, string]> = [
    ["empty", ""],
    ["no prefix", "a.a"],
    ["an upper-case prefix", "L:a.a"],
    ["another feature's prefix", "c:a.a"],
    ["a bare edge", "top"],
  ];

  it.each([...afterPrefix.map(([name, rest]): [string, string] => [`l: + ${name}`, `l:${rest}`]), ...whole])(
    "%s is undefined",
    (_, data) => {
      expect(parseList(data)).toBeUndefined();
    },
  );
});

describe("the /templates menu's ids", () => {
  const ids = [TEMPLATES_MENU, ...TEMPLATE_KINDS.map(templateResetMenu)];

  it("are short, distinct and free of the plugin's separator", () => {
    expect(ids).toEqual(["t", "t-c", "t-x", "t-r", "t-p", "t-d"]);
    for (const id of ids) expect(id).not.toContain("/");
  });

  // @grammyjs/menu writes `<id>/<row hex>/<col hex>/<payload>/` and `h` or `f` with a 4-byte
  // hash decoded as UTF-8: up to 4 × U+FFFD, 12 bytes. The widest: the longest id, positions of
  // two hex digits (256 rows or columns, far beyond any menu of ours), no payload.
  it("leave the widest button data the plugin could write within 64 bytes", () => {
    const longest = ids.reduce((a, b) => (Buffer.byteLength(b) > Buffer.byteLength(a) ? b : a));
    const widest = `${longest}/ff/ff//h${"\uFFFD".repeat(4)}`;
    expect(Buffer.byteLength(widest)).toBe(24);
  });
});

describe("the text loops' preview buttons", () => {
  const previews = { reason: REASON_PREVIEW, template: TEMPLATE_PREVIEW, broadcast: BROADCAST_PREVIEW };

  it("sit under their feature's prefix, so a stale press reaches that feature", () => {
    expect(previews).toEqual({
      reason: { confirm: "c:r:y", drop: "c:r:n" },
      template: { confirm: "t:s", drop: "t:n" },
      broadcast: { confirm: "bx:go", drop: "bx:q" },
    });
    expect(BROADCAST_QUIT).toBe(BROADCAST_PREVIEW.drop);
  });

  it("are distinct, and no other parser takes them for its own", () => {
    const all = Object.values(previews).flatMap((p) => [p.confirm, p.drop]);
    expect(new Set(all).size).toBe(all.length);
    for (const data of all) {
      expect(parseCard(data), data).toBeUndefined();
      expect(parseList(data), data).toBeUndefined();
      expect(parseStudent(data), data).toBeUndefined();
    }
  });
});

describe("broadcast buttons", () => {
  it("pack the audience status and the group's place in the list", () => {
    expect(["c", "p", "n", "x", "a"].map((code) => packBroadcastStatus(code as "c"))).toEqual(["bx:s:c", "bx:s:p", "bx:s:n", "bx:s:x", "bx:s:a"]);
    expect(packBroadcastGroup(0)).toBe("bx:g:0");
  });

  it("stay within 64 bytes for the last of the 40 groups", () => {
    expect(packBroadcastGroup(39)).toBe("bx:g:39");
    expect(Buffer.byteLength(packBroadcastGroup(39))).toBeLessThanOrEqual(64);
  });
});

describe("ids at the top of PostgreSQL's serial range (2^31 − 1)", () => {
  // Six base-36 digits reach 2,176,782,335: the regular expressions let 2^31 … that through, so
  // each parser must refuse it itself (a row id past the serial range names no row, and the
  // query would fail on the int4 parameter).
  const MAX = MAX_SERIAL.toString(36); // "zik0zj"
  const OVER = (MAX_SERIAL + 1).toString(36); // "zik0zk", 2^31
  const OVER_2 = (MAX_SERIAL + 2).toString(36);
  const parsers = { parseCard, parseStudent, parseProof, parseCourses, parseCoupons, parseList };

  const largest: Array<[keyof typeof parsers, string, unknown]> = [
    ["parseCard", `c:s:${MAX}`, { op: "show", id: MAX_SERIAL }],
    ["parseCard", `c:w:${MAX}:1`, { op: "reason", id: MAX_SERIAL, seen: 1 }],
    ["parseCard", `c:a:c:${MAX}:0`, { op: "ask", action: "confirm", id: MAX_SERIAL, seen: 0 }],
    ["parseCard", `c:d:x:${MAX}:-1`, { op: "do", action: "cancel", id: MAX_SERIAL, seen: -1 }],
    ["parseStudent", `s:b:${MAX}:7th_stream`, { op: "book", courseId: MAX_SERIAL, stream: "7th_stream" }],
    ["parseStudent", `s:x:${MAX}`, { op: "cancel", id: MAX_SERIAL }],
    ["parseStudent", `s:y:${MAX}`, { op: "cancel-yes", id: MAX_SERIAL }],
    ["parseProof", `p:${MAX}`, { bookingId: MAX_SERIAL }],
    ["parseCourses", `cs:c:${MAX}`, { op: "course", courseId: MAX_SERIAL }],
    ["parseCourses", `cs:e:${MAX}`, { op: "ask", action: "activate", courseId: MAX_SERIAL }],
    ["parseCourses", `cs:E:${MAX}`, { op: "do", action: "activate", courseId: MAX_SERIAL }],
    ["parseCourses", `cs:d:${MAX}`, { op: "ask", action: "deactivate", courseId: MAX_SERIAL }],
    ["parseCourses", `cs:D:${MAX}`, { op: "do", action: "deactivate", courseId: MAX_SERIAL }],
    ["parseCourses", `cs:r:${MAX}`, { op: "rename-course", courseId: MAX_SERIAL }],
    ["parseCourses", `cs:n:${MAX}`, { op: "new-stream", courseId: MAX_SERIAL }],
    ["parseCoupons", `cp:v:${MAX}:0`, { op: "show", id: MAX_SERIAL, back: 0 }],
    ["parseCoupons", `cp:x:${MAX}:0`, { op: "ask", action: "deactivate", id: MAX_SERIAL, back: 0 }],
    ["parseCoupons", `cp:X:${MAX}:0`, { op: "do", action: "deactivate", id: MAX_SERIAL, back: 0 }],
    ["parseCoupons", `cp:r:${MAX}:0`, { op: "ask", action: "reactivate", id: MAX_SERIAL, back: 0 }],
    ["parseCoupons", `cp:R:${MAX}:0`, { op: "do", action: "reactivate", id: MAX_SERIAL, back: 0 }],
    // A page "older than" an anchor may start one past the largest id: 2^31 is the limit there.
    ["parseCoupons", `cp:o:${OVER}`, { op: "page", anchor: { dir: "older", id: MAX_SERIAL + 1 } }],
    ["parseCoupons", `cp:n:${OVER}`, { op: "page", anchor: { dir: "newer", id: MAX_SERIAL + 1 } }],
    ["parseCoupons", `cp:v:1:${OVER}`, { op: "show", id: 1, back: MAX_SERIAL + 1 }],
    ["parseList", `l:a.a.o.0.${MAX}`, { filter: "all", anchor: { dir: "older", id: MAX_SERIAL }, offset: 0 }],
    ["parseList", `l:a.a.n.${MAX}.1`, { filter: "all", anchor: { dir: "newer", id: 1 }, offset: MAX_SERIAL }],
  ];
  it.each(largest)("%s(%s) reads the largest valid id", (parser, data, parsed) => {
    expect(parsers[parser](data)).toEqual(parsed);
  });

  const past: Array<[keyof typeof parsers, string]> = [
    ["parseCard", `c:s:${OVER}`],
    ["parseCard", `c:w:${OVER}:1`],
    ["parseCard", `c:a:c:${OVER}:0`],
    ["parseCard", `c:d:x:${OVER}:-1`],
    ["parseStudent", `s:b:${OVER}:7th_stream`],
    ["parseStudent", `s:x:${OVER}`],
    ["parseStudent", `s:y:${OVER}`],
    ["parseProof", `p:${OVER}`],
    ...["c", "e", "E", "d", "D", "r", "n"].map((op): [keyof typeof parsers, string] => ["parseCourses", `cs:${op}:${OVER}`]),
    ...["v", "x", "X", "r", "R"].map((op): [keyof typeof parsers, string] => ["parseCoupons", `cp:${op}:${OVER}:0`]),
    ["parseCoupons", `cp:o:${OVER_2}`],
    ["parseCoupons", `cp:n:${OVER_2}`],
    ["parseCoupons", `cp:v:1:${OVER_2}`],
    ["parseList", `l:a.a.o.0.${OVER}`],
    ["parseList", `l:a.a.n.${OVER}.1`],
  ];
  it.each(past)("%s(%s) refuses one more", (parser, data) => {
    expect(parsers[parser](data)).toBeUndefined();
  });
});

describe("a name search's result buttons", () => {
  it("pack the user id in base 36 and read it back, the largest within 64 bytes", () => {
    expect(packStudentPick(777000111)).toBe("us:cult4f");
    expect(parseStudentPick(packStudentPick(Number.MAX_SAFE_INTEGER))).toEqual({ userId: Number.MAX_SAFE_INTEGER });
    expect(Buffer.byteLength(packStudentPick(Number.MAX_SAFE_INTEGER))).toBeLessThanOrEqual(64);
  });

  it.each(["us:", "us:0", "us:01", "us:-1", "us:zzzzzzzzzzz", "us:1a/", "us:A", "us:1 ", "s:1", "l:u1.a"])("refuse %j", (data) => {
    expect(parseStudentPick(data)).toBeUndefined();
  });
});
