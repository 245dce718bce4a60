import { describe, expect, it } from "vitest";
import { parseBookingId, parseFilterArg, parseStudentQuery, parseStudentRef } from "../../src/bot/parse-args";

describe("parseFilterArg", () => {
  it("treats an empty argument as all", () => {
    expect(parseFilterArg("")).toBe("all");
    expect(parseFilterArg("   ")).toBe("all");
  });

  it.each([
    ["all", "all"],
    ["new", 0],
    ["pending", 1],
    ["confirmed", 2],
    ["cancelled", -1],
    ["canceled", -1],
    ["все", "all"],
    ["новые", 0],
    ["ожидание", 1],
    ["подтверждённые", 2],
    ["подтвержденные", 2],
    ["отменённые", -1],
    ["отмененные", -1],
  ] as const)("%s → %s", (word, filter) => {
    expect(parseFilterArg(word)).toBe(filter);
  });

  it("ignores case and surrounding spaces", () => {
    expect(parseFilterArg("PENDING")).toBe(1);
    expect(parseFilterArg(" New ")).toBe(0);
    expect(parseFilterArg("ВСЕ")).toBe("all");
    expect(parseFilterArg("ПОДТВЕРЖДЁННЫЕ")).toBe(2);
    expect(parseFilterArg("Отменённые")).toBe(-1);
  });

  it.each(["foo", "new pending", "0", "-1", "2", "pend", "tostring"])("%s is unknown", (word) => {
    expect(parseFilterArg(word)).toBeUndefined();
  });

  // Guards the filter lookup against Object.prototype's keys (once found in a plain object literal).
  it("does not treat Object.prototype keys as filters: constructor", () => {
    expect(parseFilterArg("constructor")).toBeUndefined();
  });

  it("does not treat Object.prototype keys as filters: __proto__", () => {
    expect(parseFilterArg("__proto__")).toBeUndefined();
  });
});

describe("parseStudentRef", () => {
  it("reads digits as a user id", () => {
    expect(parseStudentRef("123456789")).toEqual({ userId: 123456789 });
    expect(parseStudentRef(" 42 ")).toEqual({ userId: 42 });
    expect(parseStudentRef("9007199254740991")).toEqual({ userId: Number.MAX_SAFE_INTEGER });
  });

  it("reads a username with or without @, keeping its case", () => {
    expect(parseStudentRef("@Ivan_Petrov")).toEqual({ username: "Ivan_Petrov" });
    expect(parseStudentRef("Ivan_Petrov")).toEqual({ username: "Ivan_Petrov" });
    expect(parseStudentRef(` @${"a".repeat(32)} `)).toEqual({ username: "a".repeat(32) });
  });

  it.each([
    ["zero", "0"],
    ["zeros", "0000"],
    ["an unsafe 16-digit id", "9007199254740992"],
    ["empty", ""],
    ["a lone @", "@"],
    ["two @", "@@ivan"],
    ["a space inside", "ivan petrov"],
    ["a dash", "@ivan-petrov"],
    ["33 characters", "a".repeat(33)],
    ["a negative id", "-5"],
    ["a link", "https://t.me/ivan"],
    ["Cyrillic", "@иван"],
  ])("rejects %s", (_, text) => {
    expect(parseStudentRef(text)).toBeUndefined();
  });

  // Guards against 17+ digits falling through to the username pattern (usernames start with a letter).
  it("rejects an id of more than 16 digits", () => {
    expect(parseStudentRef("12345678901234567")).toBeUndefined();
  });
});

describe("parseStudentQuery", () => {
  it("keeps an id and an exact @username as they were", () => {
    expect(parseStudentQuery(" 123456789 ")).toEqual({ kind: "id", userId: 123456789 });
    expect(parseStudentQuery("@Ivan_Petrov")).toEqual({ kind: "username", username: "Ivan_Petrov" });
  });

  it.each([
    ["a bare Latin word (part of a username)", "iva", ["iva"]],
    ["Cyrillic words", "  Вера   Иванова ", ["Вера", "Иванова"]],
    ["commas and semicolons as spaces", "вера,иванова; петровна", ["вера", "иванова", "петровна"]],
    ["a leading @ on one of several words", "@ivan петров", ["ivan", "петров"]],
    ["wildcards kept for the query to escape", "a%n o_t", ["a%n", "o_t"]],
    ["punctuation-only words left out", "вера - иванова", ["вера", "иванова"]],
    ["an id with too many digits", "12345678901234567", ["12345678901234567"]],
    ["control characters as spaces", "вера\u0000иванова", ["вера", "иванова"]],
  ])("searches %s", (_, text, words) => {
    expect(parseStudentQuery(text)).toEqual({ kind: "name", words });
  });

  it.each([
    ["no-letters", "%"],
    ["no-letters", "_ - !"],
    ["no-letters", "@"],
    ["too-long", "я".repeat(65)],
    ["too-long", "вера ".repeat(20)],
  ])("refuses (%s) %j", (problem, text) => {
    expect(parseStudentQuery(text)).toEqual({ kind: "bad", problem });
  });

  it("takes 64 characters", () => {
    expect(parseStudentQuery("я".repeat(64))).toEqual({ kind: "name", words: ["я".repeat(64)] });
  });
});

describe("parseBookingId", () => {
  it.each([
    ["123", 123],
    ["#123", 123],
    [" 7 ", 7],
    ["1", 1],
    ["2147483647", 2_147_483_647],
    ["007", 7],
  ] as const)("%j → %d", (text, id) => {
    expect(parseBookingId(text)).toBe(id);
  });

  it.each(["0", "-1", "2147483648", "9999999999", "12345678901", "abc", "1e3", "1.5", "", "#", "##1", "0x10", "１２３"])(
    "%j is not a booking id",
    (text) => {
      expect(parseBookingId(text)).toBeUndefined();
    },
  );
});
