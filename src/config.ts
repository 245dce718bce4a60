import * as v from "valibot";

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const PORT = "must be a port number (1-65535)";
const port = v.pipe(v.string(), v.regex(/^\d+$/, PORT), v.transform(Number), v.minValue(1, PORT), v.maxValue(65535, PORT));

/** The database part alone: the command-line tools need it without a bot token. */
const DatabaseEnv = {
  DATABASE_URL: v.optional(
    v.pipe(v.string(), v.trim(), v.regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")),
  ),
  DATA_DIR: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1)), "./data"),
  EMBEDDED_PG_PORT: v.optional(port, "5433"),
  PGLITE_DIR: v.optional(
    v.custom<never>(
      () => false,
      "is no longer used: the embedded database is now a PostgreSQL server in DATA_DIR (default ./data); see the README",
    ),
  ),
};

const EnvSchema = v.object({
  ...DatabaseEnv,
  BOT_TOKEN: v.pipe(
    v.string("is required"),
    v.trim(),
    v.regex(/^\d+:[\w-]{20,}$/, "does not look like a bot token from @BotFather"),
  ),
  ADMIN_IDS: v.pipe(
    v.string("is required (comma-separated Telegram user ids)"),
    v.transform((s) => s.split(",").map((p) => p.trim()).filter(Boolean)),
    v.minLength(1, "needs at least one Telegram user id"),
    v.check(
      (ids) => ids.every((id) => /^[1-9]\d{0,15}$/.test(id) && Number.isSafeInteger(Number(id))),
      "must be comma-separated numeric Telegram user ids",
    ),
    v.transform((ids) => [...new Set(ids.map(Number))]),
  ),
  ADMIN_CHAT_ID: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(/^-[1-9]\d{0,15}$/, "must be a group's chat id: a negative number, as Telegram gives it for groups"),
      v.transform(Number),
      v.check((id: number) => Number.isSafeInteger(id), "is out of range"),
    ),
  ),
  TELEGRAM_API_ROOT: v.optional(v.pipe(v.string(), v.trim(), v.url("must be a URL"))),
  TZ_DISPLAY: v.optional(v.pipe(v.string(), v.trim(), v.check(isTimeZone, "is not a known IANA time zone")), "Europe/Moscow"),
  LOG_LEVEL: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`),
    ),
    "info",
  ),
  DELIVERY_RATE: v.optional(
    v.pipe(v.string(), v.regex(/^\d+$/, "must be a whole number"), v.transform(Number), v.minValue(1), v.maxValue(30, "must be at most 30 (Telegram's limit)")),
    "30",
  ),
  DELIVERY_MAX_ATTEMPTS: v.optional(
    v.pipe(v.string(), v.regex(/^\d+$/, "must be a whole number"), v.transform(Number), v.minValue(1), v.maxValue(50)),
    "8",
  ),
  REMINDER_HOURS: v.optional(
    v.pipe(v.string(), v.regex(/^\d+$/, "must be a whole number of hours"), v.transform(Number), v.minValue(1), v.maxValue(720)),
    "24",
  ),
  STUDENT_BOOKING: v.optional(
    v.pipe(v.string(), v.trim(), v.toLowerCase(), v.picklist(["on", "off"], "must be on or off")),
    "on",
  ),
  HTTP_PORT: v.optional(port),
  HTTP_HOST: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1)), "127.0.0.1"),
  API_TOKEN: v.optional(v.pipe(v.string(), v.trim(), v.minLength(16, "must be at least 16 characters"))),
  WEBHOOK_URL: v.optional(v.pipe(v.string(), v.trim(), v.url("must be a URL"), v.startsWith("https://", "must start with https://"))),
  WEBHOOK_SECRET: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16-256 of A-Z a-z 0-9 _ -"))),
  WEBHOOK_PORT: v.optional(port, "8443"),
  PAGE_SIZE: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, "must be a whole number"),
      v.transform(Number),
      v.minValue(1, "must be at least 1"),
      v.maxValue(50, "must be at most 50"),
    ),
    "20",
  ),
});

/** DATABASE_URL, or the embedded PostgreSQL server kept in DATA_DIR. */
export type DatabaseSource = { kind: "url"; url: string } | { kind: "embedded"; dir: string; port: number };

export type Config = {
  botToken: string;
  adminIds: readonly number[];
  /**
   * The admins' group: new bookings, payment proofs and failed deliveries go there instead of each
   * admin's private chat, and its members from ADMIN_IDS may press their buttons. Off when unset.
   */
  adminChatId: number | undefined;
  database: DatabaseSource;
  telegramApiRoot: string | undefined;
  timeZone: string;
  logLevel: (typeof LOG_LEVELS)[number];
  pageSize: number;
  delivery: {
    /** Messages a second to all chats together (Telegram allows about 30). */
    ratePerSecond: number;
    /** Tries for a message failing with 5xx or network errors before it is marked failed. */
    maxAttempts: number;
  };
  /** Hours before a stream starts when confirmed students get their reminder. */
  reminderHours: number;
  /** Whether students can book through this bot (off when another bot takes the bookings). */
  studentBooking: boolean;
  /** The read API for the old dashboard and scripts: off unless HTTP_PORT is set. */
  http: { port: number; host: string; token: string } | undefined;
  /** Webhook instead of long polling: off unless WEBHOOK_URL is set. */
  webhook: { url: string; secret: string; port: number } | undefined;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

function present(env: Record<string, string | undefined>): Record<string, string> {
  // An empty `FOO=` line in .env means "not set", as it does for most tools.
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ""));
}

function invalid(issues: v.BaseIssue<unknown>[]): ConfigError {
  const lines = issues.map((issue) => {
    const key = issue.path?.map((p) => String(p.key)).join(".") ?? "environment";
    return `  ${key}: ${issue.message}`;
  });
  return new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}

const databaseSource = (e: { DATABASE_URL?: string; DATA_DIR: string; EMBEDDED_PG_PORT: number }): DatabaseSource =>
  e.DATABASE_URL ? { kind: "url", url: e.DATABASE_URL } : { kind: "embedded", dir: e.DATA_DIR, port: e.EMBEDDED_PG_PORT };

/** For the command-line tools: the database variables alone. */
export function parseDatabaseSource(env: Record<string, string | undefined>): DatabaseSource {
  const result = v.safeParse(v.object(DatabaseEnv), present(env));
  if (!result.success) throw invalid(result.issues);
  return databaseSource(result.output);
}

/** Validates the environment; the error names every bad variable but never echoes its value. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const set = present(env);
  const missing = (["BOT_TOKEN", "ADMIN_IDS"] as const).filter((key) => set[key] === undefined);
  if (missing.length > 0) {
    const hints = { BOT_TOKEN: "the token @BotFather gave you", ADMIN_IDS: "comma-separated Telegram user ids of the admins" };
    throw new ConfigError(`Invalid configuration:\n${missing.map((key) => `  ${key}: is required (${hints[key]})`).join("\n")}`);
  }
  const pairs: Array<[string, string, string]> = [
    ["HTTP_PORT", "API_TOKEN", "is required when HTTP_PORT is set (the API's bearer token)"],
    ["WEBHOOK_URL", "WEBHOOK_SECRET", "is required when WEBHOOK_URL is set (Telegram's secret_token)"],
  ];
  const unpaired = pairs.filter(([when, need]) => set[when] !== undefined && set[need] === undefined);
  if (unpaired.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${unpaired.map(([, need, why]) => `  ${need}: ${why}`).join("\n")}`);
  }
  const result = v.safeParse(EnvSchema, set);
  if (!result.success) throw invalid(result.issues);
  const e = result.output;
  return {
    botToken: e.BOT_TOKEN,
    adminIds: e.ADMIN_IDS,
    adminChatId: e.ADMIN_CHAT_ID,
    database: databaseSource(e),
    telegramApiRoot: e.TELEGRAM_API_ROOT,
    timeZone: e.TZ_DISPLAY,
    logLevel: e.LOG_LEVEL,
    pageSize: e.PAGE_SIZE,
    delivery: { ratePerSecond: e.DELIVERY_RATE, maxAttempts: e.DELIVERY_MAX_ATTEMPTS },
    reminderHours: e.REMINDER_HOURS,
    studentBooking: e.STUDENT_BOOKING === "on",
    http: e.HTTP_PORT !== undefined ? { port: e.HTTP_PORT, host: e.HTTP_HOST, token: e.API_TOKEN! } : undefined,
    webhook: e.WEBHOOK_URL !== undefined ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET!, port: e.WEBHOOK_PORT } : undefined,
  };
}
