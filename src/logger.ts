import pino from "pino";
import type { Config } from "./config";

export type Logger = pino.Logger;

export function createLogger(config: Pick<Config, "logLevel">, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      // The token is part of every Bot API URL; never let it reach a log line.
      redact: { paths: ["botToken", "token", "config.botToken", "*.botToken"], censor: "[redacted]" },
    },
    destination,
  );
}
