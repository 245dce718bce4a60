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
  parseCard,
  parseList,
  parseStudent,
  templateResetMenu,
} from "../../src/bot/callback-data";
import { TEMPLATE_KINDS } from "../../src/delivery/templates";
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
