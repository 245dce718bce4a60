const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "EPIPE"]);
// SQLSTATE: class 08 connection exception, 57P0x server shutting down / starting, 53300 too many connections.
const PG_UNAVAILABLE = /^(08...|57P0[1-3]|53300)$/;
// node-postgres raises these without a code when a connection dies or the pool cannot connect.
const PG_CONNECTION_MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Client was closed/i];

/** True when an error (or anything in its `cause` chain) says the database cannot be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && PG_CONNECTION_MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}
