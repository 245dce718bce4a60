import { describe, expect, it } from "vitest";
import { packEdge, packListState, parseListPayload } from "../../src/bot/callback-data";
import { FILTERS, firstPageOf, type ListState } from "../../src/bot/list-state";

const MAX_SERIAL = 2_147_483_647;

/** @grammyjs/menu's wrapper at its widest: `menuId/row/col/payload/` + `f` + a hash of up to 12 bytes. */
const wrapped = (payload: string) => `bk/2/2/${payload}/f${"h".repeat(12)}`;

describe("packListState", () => {
  it("packs first pages as scope and filter only", () => {
    expect(packListState(firstPageOf("all"))).toBe("a.a");
    expect(packListState(firstPageOf(0))).toBe("a.n");
    expect(packListState(firstPageOf(1))).toBe("a.p");
    expect(packListState(firstPageOf(2))).toBe("a.c");
    expect(packListState(firstPageOf(-1))).toBe("a.x");
    expect(packListState(firstPageOf(-1, 987654321))).toBe("ugc0uy9.x");
  });

  it("packs an anchor with direction, offset and id in base 36", () => {
    expect(packListState({ filter: 1, anchor: { dir: "older", id: 12345 }, offset: 20 })).toBe("a.p.o.k.9ix");
    expect(packListState({ userId: 987654321, filter: "all", anchor: { dir: "newer", id: 1 }, offset: 0 })).toBe(
      "ugc0uy9.a.n.0.1",
    );
  });
});

describe("parseListPayload round trip", () => {
  const states: ListState[] = [
    ...FILTERS.map((filter) => firstPageOf(filter)),
    ...FILTERS.map((filter) => firstPageOf(filter, 987654321)),
    { filter: "all", anchor: { dir: "older", id: 124 }, offset: 20 },
    { filter: 2, anchor: { dir: "newer", id: 1 }, offset: 0 },
    { userId: 1, filter: -1, anchor: { dir: "older", id: MAX_SERIAL }, offset: 40 },
    { userId: 42, filter: 0, anchor: { dir: "newer", id: 99 }, offset: 1_000_000 },
  ];

  it.each(states.map((state) => [packListState(state), state] as const))("%s", (payload, state) => {
    expect(parseListPayload(payload)).toEqual(state);
  });
});

describe("worst case size", () => {
  const worst: ListState = {
    userId: Number.MAX_SAFE_INTEGER,
    filter: -1,
    anchor: { dir: "older", id: MAX_SERIAL },
    offset: MAX_SERIAL,
  };

  it("packs the largest ids within 44 bytes and 64 once the menu wraps it", () => {
    const payload = packListState(worst);
    expect(payload).toBe("u2gosa7pa2gv.x.o.zik0zj.zik0zj");
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(44);
    expect(Buffer.byteLength(wrapped(payload))).toBeLessThanOrEqual(64);
    expect(parseListPayload(payload)).toEqual(worst);
  });

  it("stays within 64 bytes for the widest payload the parser accepts", () => {
    const widest = "u2gosa7pa2gv.x.o.zik0zj.zik0zj";
    expect(parseListPayload(widest)).toBeDefined();
    expect(parseListPayload("u2gosa7pa2gv.x.o.zzzzzz.zik0zj")).toBeUndefined();
    expect(Buffer.byteLength(wrapped(widest))).toBeLessThanOrEqual(64);
  });

  it("never contains the menu's separator", () => {
    expect(packListState(worst)).not.toContain("/");
  });
});

describe("edge payloads", () => {
  it("packs and parses the arrows that have nowhere to go", () => {
    expect(packEdge("newest")).toBe("top");
    expect(packEdge("oldest")).toBe("end");
    expect(parseListPayload("top")).toEqual({ edge: "newest" });
    expect(parseListPayload("end")).toEqual({ edge: "oldest" });
  });
});

describe("forged or broken payloads", () => {
  const strings: Array<[string, string]> = [
    ["empty", ""],
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
    ["the menu's own wrapper", "bk/0/0/a.a/"],
    ["leading space", " a.a"],
    ["trailing newline", "a.a\n"],
    ["trailing part", "a.a.o.1.1.1"],
    ["very long", "a".repeat(10_000)],
    ["valid prefix, long tail", `a.a.o.1.1${"1".repeat(1000)}`],
    ["edge with suffix", "top."],
  ];

  it.each(strings)("%s is undefined", (_, payload) => {
    expect(parseListPayload(payload)).toBeUndefined();
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a number", 42],
    ["an object", { filter: "all" }],
    ["a RegExpMatchArray", "a.a".match(/a\.a/)],
  ])("%s is undefined", (_, payload) => {
    expect(parseListPayload(payload)).toBeUndefined();
  });
});
