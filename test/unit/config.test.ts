import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, parseDatabaseSource, type Config } from "../../src/config";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const BASE = { BOT_TOKEN: TOKEN, ADMIN_IDS: "111" };

/** What BASE alone gives: every default. */
const DEFAULTS: Config = {
  botToken: TOKEN,
  adminIds: [111],
  adminChatId: undefined,
  database: { kind: "embedded", dir: "./data", port: 5433 },
  telegramApiRoot: undefined,
  timeZone: "Europe/Moscow",
  logLevel: "info",
  pageSize: 20,
  delivery: { ratePerSecond: 30, maxAttempts: 8 },
  reminderHours: 24,
  studentBooking: true,
  http: undefined,
  webhook: undefined,
};

/** The ConfigError message, failing the test if parsing succeeds or throws something else. */
function configError(env: Record<string, string | undefined>): string {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("parseConfig accepted a bad environment");
}

describe("parseConfig", () => {
  it("fills in the defaults", () => {
    expect(parseConfig(BASE)).toStrictEqual<Config>(DEFAULTS);
  });

  it("reads every variable", () => {
    const config = parseConfig({
      BOT_TOKEN: ` ${TOKEN} `,
      ADMIN_IDS: "111, 222 ,111",
      ADMIN_CHAT_ID: " -1001234567890 ",
      DATA_DIR: "/var/lib/bot",
      EMBEDDED_PG_PORT: "6543",
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081",
      TZ_DISPLAY: "UTC",
      LOG_LEVEL: "debug",
      PAGE_SIZE: "50",
      DELIVERY_RATE: "30",
      DELIVERY_MAX_ATTEMPTS: "3",
      REMINDER_HOURS: "2",
      STUDENT_BOOKING: "OFF",
    });
    expect(config).toStrictEqual<Config>({
      ...DEFAULTS,
      adminIds: [111, 222],
      adminChatId: -1001234567890,
      database: { kind: "embedded", dir: "/var/lib/bot", port: 6543 },
      telegramApiRoot: "http://127.0.0.1:8081",
      timeZone: "UTC",
      logLevel: "debug",
      pageSize: 50,
      delivery: { ratePerSecond: 30, maxAttempts: 3 },
      reminderHours: 2,
      studentBooking: false,
    });
  });

  it("switches to PostgreSQL when DATABASE_URL is set", () => {
    expect(parseConfig({ ...BASE, DATABASE_URL: "postgres://bot:pw@db:5432/bookings" }).database).toEqual({
      kind: "url",
      url: "postgres://bot:pw@db:5432/bookings",
    });
    expect(parseConfig({ ...BASE, DATABASE_URL: "postgresql://db/bookings", DATA_DIR: "/x" }).database).toEqual({
      kind: "url",
      url: "postgresql://db/bookings",
    });
  });

  it("treats empty and blank variables as unset", () => {
    const config = parseConfig({
      ...BASE,
      DATABASE_URL: "",
      ADMIN_CHAT_ID: "",
      DATA_DIR: "  ",
      EMBEDDED_PG_PORT: "",
      TELEGRAM_API_ROOT: "",
      TZ_DISPLAY: "",
      LOG_LEVEL: "",
      PAGE_SIZE: " ",
      UNRELATED: undefined,
    });
    expect(config).toStrictEqual(parseConfig(BASE));
  });

  it("ignores variables it does not know", () => {
    expect(parseConfig({ ...BASE, PATH: "/usr/bin", HOME: "/root" })).toStrictEqual(parseConfig(BASE));
  });
});

describe("parseConfig errors", () => {
  it("names a missing BOT_TOKEN and ADMIN_IDS", () => {
    const message = configError({});
    expect(message).toMatch(/^Invalid configuration:\n/);
    expect(message).toMatch(/^ {2}BOT_TOKEN: /m);
    expect(message).toMatch(/^ {2}ADMIN_IDS: /m);
  });

  // Guards the hints against valibot's own "Invalid key: Expected "BOT_TOKEN" but received undefined".
  it("explains what a missing variable should hold", () => {
    const message = configError({});
    expect(message).toContain("  BOT_TOKEN: is required");
    expect(message).toContain("  ADMIN_IDS: is required (comma-separated Telegram user ids of the admins)");
  });

  it("names an empty BOT_TOKEN", () => {
    expect(configError({ ...BASE, BOT_TOKEN: "" })).toMatch(/^ {2}BOT_TOKEN: /m);
  });

  it.each([
    ["BOT_TOKEN", "123456:short"],
    ["BOT_TOKEN", "not-a-token"],
    ["ADMIN_IDS", "abc"],
    ["ADMIN_IDS", "1,,x"],
    ["ADMIN_IDS", ","],
    ["ADMIN_IDS", "-5"],
    ["ADMIN_IDS", "12345678901234567"],
    ["TZ_DISPLAY", "Mars/Olympus_Mons"],
    ["PAGE_SIZE", "0"],
    ["PAGE_SIZE", "51"],
    ["PAGE_SIZE", "x"],
    ["PAGE_SIZE", "2.5"],
    ["DELIVERY_RATE", "31"],
    ["DELIVERY_RATE", "0"],
    ["REMINDER_HOURS", "soon"],
    ["STUDENT_BOOKING", "maybe"],
    ["ADMIN_CHAT_ID", "1001234567890"],
    ["ADMIN_CHAT_ID", "-0"],
    ["ADMIN_CHAT_ID", "@admins"],
    ["ADMIN_CHAT_ID", "-99999999999999999"],
    ["LOG_LEVEL", "loud"],
    ["DATABASE_URL", "mysql://root:hunter2@db/bookings"],
    ["EMBEDDED_PG_PORT", "65536"],
    ["EMBEDDED_PG_PORT", "5433x"],
    ["TELEGRAM_API_ROOT", "not a url"],
  ])("names %s=%j", (key, value) => {
    const message = configError({ ...BASE, [key]: value });
    expect(message).toMatch(new RegExp(`^ {2}${key}: `, "m"));
    expect(message.split("\n")).toHaveLength(2);
    // Short values ("0", "x") could appear by chance in the fixed wording.
    if (value.length >= 5) expect(message).not.toContain(value);
  });

  it("names every bad variable at once", () => {
    const message = configError({ BOT_TOKEN: "x", ADMIN_IDS: "abc", PAGE_SIZE: "0", LOG_LEVEL: "loud", TZ_DISPLAY: "Nowhere" });
    for (const key of ["BOT_TOKEN", "ADMIN_IDS", "PAGE_SIZE", "LOG_LEVEL", "TZ_DISPLAY"]) {
      expect(message).toMatch(new RegExp(`^ {2}${key}: `, "m"));
    }
  });

  it("never echoes the token or a database password", () => {
    const messages = [
      configError({ ...BASE, ADMIN_IDS: "abc" }),
      configError({ ...BASE, BOT_TOKEN: `${TOKEN}!` }),
      configError({ ...BASE, DATABASE_URL: "mysql://root:hunter2@db/bookings" }),
    ];
    for (const message of messages) {
      expect(message).not.toContain(TOKEN);
      expect(message).not.toContain("AAHdqTcv");
      expect(message).not.toContain("hunter2");
    }
  });

  it("says where PGlite's folder setting went instead of silently starting an empty database", () => {
    expect(configError({ ...BASE, PGLITE_DIR: "/var/lib/bot" })).toBe(
      "Invalid configuration:\n  PGLITE_DIR: is no longer used: the embedded database is now a PostgreSQL server in DATA_DIR (default ./data); see the README",
    );
  });

  it("parseDatabaseSource reads the database variables alone (the command-line tools have no token)", () => {
    expect(parseDatabaseSource({ DATA_DIR: "/srv/bot", EMBEDDED_PG_PORT: "6000" })).toEqual({ kind: "embedded", dir: "/srv/bot", port: 6000 });
    expect(parseDatabaseSource({ DATABASE_URL: "postgres://db/x" })).toEqual({ kind: "url", url: "postgres://db/x" });
    expect(() => parseDatabaseSource({ EMBEDDED_PG_PORT: "0" })).toThrow(/EMBEDDED_PG_PORT: /);
  });

  it("is a ConfigError", () => {
    expect(() => parseConfig({})).toThrow(ConfigError);
    expect(() => parseConfig({})).toThrow(expect.objectContaining({ name: "ConfigError" }));
  });
});

describe("lenient where it costs nothing", () => {
  it("takes LOG_LEVEL in any case and trims TZ_DISPLAY", () => {
    const config = parseConfig({ BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", ADMIN_IDS: "1", LOG_LEVEL: "INFO", TZ_DISPLAY: " UTC " });
    expect(config.logLevel).toBe("info");
    expect(config.timeZone).toBe("UTC");
  });

  it("refuses 0 as an admin id", () => {
    expect(() => parseConfig({ BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", ADMIN_IDS: "0" })).toThrow(/ADMIN_IDS/);
  });
});

describe("optional servers", () => {
  const base = { BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", ADMIN_IDS: "1" };
  it("HTTP_PORT needs API_TOKEN, WEBHOOK_URL needs WEBHOOK_SECRET", () => {
    expect(() => parseConfig({ ...base, HTTP_PORT: "8080" })).toThrow(/API_TOKEN: is required when HTTP_PORT is set/);
    expect(() => parseConfig({ ...base, WEBHOOK_URL: "https://bot.example.com/tg" })).toThrow(/WEBHOOK_SECRET: is required/);
  });
  it("reads both when complete", () => {
    const config = parseConfig({
      ...base,
      HTTP_PORT: "8080",
      API_TOKEN: "a-long-enough-token-123",
      WEBHOOK_URL: "https://bot.example.com/tg",
      WEBHOOK_SECRET: "s3cret-s3cret-s3cret",
    });
    expect(config.http).toEqual({ port: 8080, host: "127.0.0.1", token: "a-long-enough-token-123" });
    expect(config.webhook).toEqual({ url: "https://bot.example.com/tg", secret: "s3cret-s3cret-s3cret", port: 8443 });
  });
  it("refuses a webhook that is not https", () => {
    expect(() => parseConfig({ ...base, WEBHOOK_URL: "http://x.example.com", WEBHOOK_SECRET: "s3cret-s3cret-s3cret" })).toThrow(/WEBHOOK_URL/);
  });
});
