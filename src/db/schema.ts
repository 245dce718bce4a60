import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";

/**
 * Table and column names are those of the real booking service's database, so the bot can be
 * pointed at it (see drizzle/0000_*.sql: the first migration only adds what is missing).
 */

export const courses = pgTable("courses", {
  id: serial("id").primaryKey(),
  name: text("name"),
  description: text("description"),
  priceUsdCents: integer("price_usd_cents"),
  buttonText: text("button_text"),
  isActive: boolean("is_active").default(true),
  startDateText: text("start_date_text"),
});

/** Display titles of `bookings.course_stream` codes ('3rd_stream' → '3-й поток'). */
export const streams = pgTable("streams", {
  code: varchar("code", { length: 50 }).primaryKey(),
  title: text("title").notNull(),
  /** The course the stream belongs to; null: offered with every active course. */
  courseId: integer("course_id").references(() => courses.id),
  /** When the stream starts (reminders go out before it). */
  startsAt: timestamp("starts_at", { withTimezone: true }),
  /** Open for students to book. */
  isOpen: boolean("is_open").notNull().default(false),
});

export const users = pgTable(
  "users",
  {
    userId: bigint("user_id", { mode: "number" }).primaryKey(),
    username: text("username"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    languageCode: text("language_code"),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow(),
    /** Referral code from the student's `/start <code>` link, applied to their bookings. */
    referralCode: text("referral_code"),
    /** Set when Telegram said the student blocked the bot or the chat is gone. */
    unreachableAt: timestamp("unreachable_at", { withTimezone: true }),
    unreachableReason: text("unreachable_reason"),
  },
  (t) => [index("idx_users_username_lower").on(sql`lower(${t.username})`)],
);

/** 0 = new request, 1 = pending (payment proof sent), 2 = confirmed, -1 = cancelled. */
export const BOOKING_STATUSES = [0, 1, 2, -1] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const bookings = pgTable(
  "bookings",
  {
    id: serial("id").primaryKey(),
    userId: bigint("user_id", { mode: "number" }).notNull(),
    username: text("username"),
    firstName: text("first_name"),
    courseId: integer("course_id").references(() => courses.id),
    courseStream: varchar("course_stream", { length: 50 }),
    confirmed: integer("confirmed").$type<BookingStatus>().notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    referralCode: text("referral_code"),
    discountPercent: integer("discount_percent").default(0),
  },
  (t) => [
    check("bookings_confirmed_check", sql`${t.confirmed} IN (-1, 0, 1, 2)`),
    // The indexes the original dashboard recommends…
    index("idx_bookings_user").on(t.userId),
    index("idx_bookings_course").on(t.courseId),
    index("idx_bookings_stream").on(t.courseStream),
    index("idx_bookings_status").on(t.confirmed),
    index("idx_bookings_date").on(t.createdAt),
    index("idx_bookings_user_status").on(t.userId, t.confirmed),
    // …and the ones keyset paging walks: newest first overall, per status, per student.
    index("idx_bookings_created_id").on(t.createdAt, t.id),
    index("idx_bookings_status_created_id").on(t.confirmed, t.createdAt, t.id),
    index("idx_bookings_user_created_id").on(t.userId, t.createdAt, t.id),
    index("idx_bookings_username_lower").on(sql`lower(${t.username})`),
    // One live booking per student, course and stream (cancelled ones do not count).
    uniqueIndex("bookings_one_active_per_stream")
      .on(t.userId, t.courseId, t.courseStream)
      .where(sql`${t.confirmed} <> -1`),
  ],
);

export type Booking = typeof bookings.$inferSelect;
export type NewBooking = typeof bookings.$inferInsert;
export type Course = typeof courses.$inferSelect;
export type User = typeof users.$inferSelect;
export type Stream = typeof streams.$inferSelect;

// ── Actions and messages to students ────────────────────────────────────────────────────────

/** Discount codes students bring through `/start <code>` deep links. */
export const referralCodes = pgTable("referral_codes", {
  code: text("code").primaryKey(),
  discountPercent: integer("discount_percent").notNull(),
  isActive: boolean("is_active").notNull().default(true),
});

/** The audit trail: every status change, who made it, from what to what, and why. */
export const bookingEvents = pgTable(
  "booking_events",
  {
    id: serial("id").primaryKey(),
    bookingId: integer("booking_id")
      .notNull()
      .references(() => bookings.id),
    actorId: bigint("actor_id", { mode: "number" }).notNull(),
    actorName: text("actor_name"),
    actorRole: text("actor_role").$type<"admin" | "student">().notNull(),
    fromStatus: integer("from_status").$type<BookingStatus>(),
    toStatus: integer("to_status").$type<BookingStatus>().notNull(),
    reason: text("reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("idx_booking_events_booking").on(t.bookingId, t.id)],
);

export const OUTBOX_KINDS = ["confirmation", "cancellation", "reminder", "broadcast", "admin_notice", "broadcast_report"] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
export type OutboxStatus = "queued" | "sent" | "failed";

/**
 * Every message the bot owes someone, written in the same transaction as the change that
 * causes it. `dedupe_key` makes the same event impossible to queue twice; the delivery worker
 * leases due rows, sends them, and records the outcome here.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    dedupeKey: text("dedupe_key").notNull().unique(),
    kind: text("kind").$type<OutboxKind>().notNull(),
    chatId: bigint("chat_id", { mode: "number" }).notNull(),
    text: text("text").notNull(),
    parseMode: text("parse_mode").$type<"HTML">(),
    replyMarkup: jsonb("reply_markup"),
    bookingId: integer("booking_id").references(() => bookings.id),
    recipientId: integer("recipient_id"),
    status: text("status").$type<OutboxStatus>().notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    notBefore: timestamp("not_before", { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    leaseOwner: text("lease_owner"),
    telegramMessageId: bigint("telegram_message_id", { mode: "number" }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    check("outbox_status_check", sql`${t.status} IN ('queued', 'sent', 'failed')`),
    index("idx_outbox_due").on(t.notBefore, t.id).where(sql`${t.status} = 'queued'`),
    index("idx_outbox_chat_sent").on(t.chatId, t.sentAt),
    index("idx_outbox_booking").on(t.bookingId),
    index("idx_outbox_recipient").on(t.recipientId),
    // "The last delivery error" for health checks, without walking the whole outbox.
    index("idx_outbox_failed").on(t.id).where(sql`${t.status} = 'failed'`),
  ],
);

/** Admin-edited texts of the messages to students; a missing row means the built-in default. */
export const messageTemplates = pgTable("message_templates", {
  kind: text("kind").primaryKey(),
  body: text("body").notNull(),
  updatedBy: bigint("updated_by", { mode: "number" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** The real system's broadcast log, kept in its shape so its dashboard still reads it. */
export const messageHistory = pgTable("message_history", {
  id: serial("id").primaryKey(),
  messageText: text("message_text"),
  totalRecipients: integer("total_recipients"),
  successfulDeliveries: integer("successful_deliveries"),
  sentAt: timestamp("sent_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  recipientType: text("recipient_type"),
  recipientGroup: text("recipient_group"),
  scheduledAt: timestamp("scheduled_at", { withTimezone: true }),
  /** The admin who sent it, and the message of theirs that shows its progress. */
  createdBy: bigint("created_by", { mode: "number" }),
  progressMessageId: bigint("progress_message_id", { mode: "number" }),
});

export const messageRecipients = pgTable(
  "message_recipients",
  {
    id: serial("id").primaryKey(),
    messageId: integer("message_id").references(() => messageHistory.id),
    userId: bigint("user_id", { mode: "number" }),
    username: text("username"),
    deliveryStatus: text("delivery_status").$type<"pending" | "sent" | "failed" | "deleted">(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    telegramMessageId: bigint("telegram_message_id", { mode: "number" }),
    /** Why a delivery failed (the original system never kept it). */
    error: text("error"),
  },
  (t) => [index("idx_message_recipients_message").on(t.messageId, t.deliveryStatus)],
);

export type OutboxRow = typeof outbox.$inferSelect;
export type NewOutboxRow = typeof outbox.$inferInsert;
export type BookingEvent = typeof bookingEvents.$inferSelect;

/**
 * Bookings per status, kept exact by statement-level triggers on `bookings` (migration 0003),
 * so the filter buttons' counts cost four rows, not a scan of a million.
 */
export const bookingStatusCounts = pgTable("booking_status_counts", {
  status: integer("status").primaryKey(),
  n: bigint("n", { mode: "number" }).notNull().default(0),
});

/**
 * Conversation state (an admin half-way through /user, /broadcast, a template edit), kept in the
 * database so a restart or another instance behind the same webhook picks it up.
 */
export const botState = pgTable("bot_state", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
