import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../../src/db/errors";

const withCode = (code: string, message = `failed: ${code}`) => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable", () => {
  it.each(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "EPIPE"])(
    "is true for the network code %s",
    (code) => {
      expect(isDatabaseUnavailable(withCode(code))).toBe(true);
    },
  );

  it.each(["08006", "08001", "08003", "57P01", "57P02", "57P03", "53300"])("is true for SQLSTATE %s", (code) => {
    expect(isDatabaseUnavailable(withCode(code))).toBe(true);
  });

  it("looks through the cause chain (drizzle wraps driver errors)", () => {
    const driver = withCode("57P01", "terminating connection due to administrator command");
    const wrapped = new Error("Failed query: select 1\nparams: ", { cause: driver });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(isDatabaseUnavailable(new Error("outer", { cause: wrapped }))).toBe(true);
  });

  it("is true for node's happy-eyeballs AggregateError", () => {
    const attempts = [withCode("ECONNREFUSED", "connect ECONNREFUSED ::1:5432"), withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")];
    expect(isDatabaseUnavailable(new AggregateError(attempts))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Failed query", { cause: new AggregateError(attempts) }))).toBe(true);
  });

  it("is true for node-postgres connection messages without a code", () => {
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Client was closed and is not queryable"))).toBe(true);
  });

  it("is false for errors the database reported while reachable", () => {
    expect(isDatabaseUnavailable(withCode("23505", 'duplicate key value violates unique constraint "bookings_pkey"'))).toBe(false);
    expect(isDatabaseUnavailable(withCode("42P01", 'relation "bookings" does not exist'))).toBe(false);
    expect(isDatabaseUnavailable(new Error("Failed query", { cause: withCode("23505") }))).toBe(false);
    expect(isDatabaseUnavailable(new AggregateError([withCode("23505"), new Error("boom")]))).toBe(false);
  });

  it("is false for plain errors and non-errors", () => {
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
    expect(isDatabaseUnavailable({ code: 57 })).toBe(false);
  });

  it("stops on a cause cycle", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});
