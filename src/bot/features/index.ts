import type { Deps, Feature } from "../context";
import type { Texts } from "../i18n";
import { bookingFeature } from "./booking";
import { bookingsFeature } from "./bookings";
import { broadcastFeature } from "./broadcast";
import { couponsFeature } from "./coupons";
import { coursesFeature } from "./courses";
import { exportFeature } from "./export";
import { healthFeature } from "./health";
import { helpFeature } from "./help";
import { langFeature } from "./lang";
import { messagesFeature } from "./messages";
import { queueFeature } from "./queue";
import { statsFeature } from "./stats";
import { templatesFeature } from "./templates";
import { userFeature } from "./user";
import { workshopsFeature } from "./workshops";

export type AdminCommand = keyof Texts["commands"];

type Entry = {
  /** The command it answers (none: buttons and links only). */
  command?: AdminCommand;
  create(deps: Deps): Feature;
  /** Answers without the database's conversation state (so even while the database is down). */
  stateless?: true;
};

/**
 * Every admin command and the feature that answers it, in the order of the command menu and of
 * /help; the students' "admins only" answer refuses the same commands. Adding a command: its
 * feature (a file, or a folder when it needs several), a line here, and its texts
 * (`t.commands[name]` for the menu, `t.help.lines[name]` for /help).
 */
export const ADMIN_FEATURES: readonly Entry[] = [
  { command: "bookings", create: bookingsFeature },
  { command: "queue", create: queueFeature },
  { command: "user", create: userFeature },
  { command: "booking", create: bookingFeature },
  { create: messagesFeature },
  { command: "stats", create: statsFeature },
  { command: "export", create: exportFeature },
  { command: "templates", create: templatesFeature },
  { command: "broadcast", create: broadcastFeature },
  { command: "courses", create: coursesFeature },
  { command: "coupons", create: couponsFeature },
  { command: "workshops", create: workshopsFeature },
  { command: "health", create: healthFeature, stateless: true },
  { command: "lang", create: (deps) => langFeature(deps, ADMIN_COMMANDS), stateless: true },
  { command: "help", create: () => helpFeature(ADMIN_COMMANDS) },
];

export const ADMIN_COMMANDS: readonly AdminCommand[] = ADMIN_FEATURES.flatMap((f) => (f.command ? [f.command] : []));
