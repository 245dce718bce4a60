import { sql } from "drizzle-orm";
import {
  bigint,
  foreignKey,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  smallint,
  text,
  timestamp,
  unique,
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
  courseId: integer("course_id"),
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
    /**
     * The coupon code from the student's `/start ref_<CODE>` link, applied to their next booking
     * (the real bot keeps it in its session memory instead).
     */
    referralCode: text("referral_code"),
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
    /** No foreign key of ours: the real bot books course ids from its config file, known to `courses` or not. */
    courseId: integer("course_id"),
    courseStream: varchar("course_stream", { length: 50 }),
    confirmed: integer("confirmed").$type<BookingStatus>().notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    referralCode: text("referral_code"),
    discountPercent: integer("discount_percent").default(0),
  },
  // Declared here for documentation and drizzle-kit's snapshot; they
  // are built concurrently after the migrations by src/db/shared-indexes.ts, which says what each
  // is for (the real system writes this table, and a blocking index build would hold its writes).
  (t) => [
    index("idx_bookings_course").on(t.courseId),
    index("idx_bookings_stream").on(t.courseStream),
    index("idx_bookings_user_status").on(t.userId, t.confirmed),
    // Keyset paging: newest first overall, per status, per student.
    index("idx_bookings_created_id").on(t.createdAt, t.id),
    index("idx_bookings_status_created_id").on(t.confirmed, t.createdAt, t.id),
    index("idx_bookings_user_created_id").on(t.userId, t.createdAt, t.id),
    index("idx_bookings_username_lower").on(sql`lower(${t.username})`),
    // No unique index for "one live booking per student and stream": the real bot books twice
    // when a student presses twice, and such a rule would crash it. Our own path checks under
    // an advisory lock instead (src/bookings/student-booking.ts).
  ],
);

export type Booking = typeof bookings.$inferSelect;
export type NewBooking = typeof bookings.$inferInsert;
export type Course = typeof courses.$inferSelect;
export type User = typeof users.$inferSelect;
export type Stream = typeof streams.$inferSelect;

// ── Actions and messages to students ────────────────────────────────────────────────────────

// ── The real system's own tables, created as its bot creates them when missing ─────────────

/**
 * The real bot's activity log, and the one history of a booking: its rows about a booking carry
 * `details.booking_id`; ours are written in the same format (src/bookings/booking-events.ts).
 */
export const events = pgTable(
  "events",
  {
    id: serial("id").primaryKey(),
    userId: bigint("user_id", { mode: "number" }).notNull(),
    eventType: varchar("event_type", { length: 50 }).notNull(),
    details: jsonb("details").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  },
  // Text, not an integer cast: a cast could fail on someone's odd row and reject their insert.
  (t) => [index("idx_events_booking").on(sql`(${t.details} ->> 'booking_id')`, t.id).where(sql`${t.details} ? 'booking_id'`)],
);

/** Referral coupons: valid while `is_active = 1` and `current_activations < max_activations`. */
export const referralCoupons = pgTable("referral_coupons", {
  id: serial("id").primaryKey(),
  code: text("code").notNull().unique("referral_coupons_code_key"),
  name: text("name"),
  discountPercent: integer("discount_percent").notNull(),
  maxActivations: integer("max_activations").notNull(),
  currentActivations: integer("current_activations").default(0),
  createdBy: bigint("created_by", { mode: "number" }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
  isActive: integer("is_active").default(1),
});

/** One row per student who used a coupon (once each). */
export const referralUsage = pgTable(
  "referral_usage",
  {
    id: serial("id").primaryKey(),
    couponId: integer("coupon_id").notNull(),
    userId: bigint("user_id", { mode: "number" }).notNull(),
    bookingId: integer("booking_id"),
    usedAt: timestamp("used_at", { withTimezone: true }).defaultNow(),
  },
  // The real system's own rules on its own table (named as PostgreSQL names them there).
  (t) => [
    unique("referral_usage_coupon_id_user_id_key").on(t.couponId, t.userId),
    foreignKey({ name: "referral_usage_coupon_id_fkey", columns: [t.couponId], foreignColumns: [referralCoupons.id] }),
    foreignKey({ name: "referral_usage_booking_id_fkey", columns: [t.bookingId], foreignColumns: [bookings.id] }),
  ],
);

/** Students who blocked the bot (Telegram answered 403), shared with the real dashboard. */
export const blockedUsers = pgTable("blocked_users", {
  userId: bigint("user_id", { mode: "number" }).primaryKey(),
  blockedAt: timestamp("blocked_at", { withTimezone: true }).defaultNow(),
  reason: text("reason").default("bot_blocked_by_user"),
});

/**
 * Free-lesson (workshop) registrations, the real bot's: a student leaves an email for a lesson
 * type (free text from its lessons.yaml, e.g. 'cursor_lesson') and date. We only read them
 * (/workshops); re-registering for the same lesson and date updates the row
 * (`ON CONFLICT (user_id, lesson_type, lesson_date) DO UPDATE`), so `registered_at` moves.
 */
export const freeLessonRegistrations = pgTable(
  "free_lesson_registrations",
  {
    id: serial("id").primaryKey(),
    userId: bigint("user_id", { mode: "number" }).notNull(),
    username: text("username"),
    firstName: text("first_name"),
    email: text("email").notNull(),
    registeredAt: timestamp("registered_at", { withTimezone: true }).defaultNow(),
    notificationSent: boolean("notification_sent").default(false),
    lessonType: varchar("lesson_type", { length: 50 }).default("cursor_lesson"),
    /** Null on rows written before the real bot kept dates. */
    lessonDate: date("lesson_date", { mode: "string" }),
  },
  // The real system's own rules on its own table; its upsert needs the second one.
  (t) => [
    unique("free_lesson_registrations_user_id_lesson_type_key").on(t.userId, t.lessonType),
    uniqueIndex("free_lesson_registrations_user_lesson_date").on(t.userId, t.lessonType, t.lessonDate),
  ],
);

export type EventRow = typeof events.$inferSelect;
export type ReferralCoupon = typeof referralCoupons.$inferSelect;

/**
 * What a migration skipped or degraded on an adopted database, for the start log, `db:check` and
 * `/health` (a migration never only prints a server notice nobody sees).
 */
export const migrationNotes = pgTable("migration_notes", {
  key: text("key").primaryKey(),
  level: text("level").$type<"warning" | "info">().notNull(),
  /** How many rows it concerns (the texts are built from the key and this count). */
  count: integer("count").notNull().default(0),
  detail: text("detail"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
export type MigrationNote = typeof migrationNotes.$inferSelect;

export const OUTBOX_KINDS = [
  "confirmation",
  "cancellation",
  "reminder",
  "broadcast",
  "admin_notice",
  "broadcast_report",
  "payment_instructions",
  "booking_accepted",
  "student_relay",
  "student_reply",
  "broadcast_recall",
] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/**
 * Who waits when the bot has more to send than Telegram takes: lower goes first. An admin's
 * screen, then the answer to a student who just acted, then admins' notices, then students'
 * transactional messages (confirmations, reminders), then broadcasts. Stored in
 * `outbox.priority`; the send budget (src/telegram/send-budget.ts) serves calls in this order.
 */
export const PRIORITY = { admin: 0, student: 1, notice: 2, transactional: 3, bulk: 4 } as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

/** The priority a queued message gets by its kind, unless its sender says otherwise. */
export const KIND_PRIORITY: Record<OutboxKind, Priority> = {
  booking_accepted: PRIORITY.student,
  student_relay: PRIORITY.notice,
  student_reply: PRIORITY.notice,
  admin_notice: PRIORITY.notice,
  broadcast_report: PRIORITY.notice,
  confirmation: PRIORITY.transactional,
  cancellation: PRIORITY.transactional,
  reminder: PRIORITY.transactional,
  payment_instructions: PRIORITY.transactional,
  broadcast: PRIORITY.bulk,
  broadcast_recall: PRIORITY.bulk,
};
/** `merged`: folded into another row's digest (`merged_into`), sent with it. */
export type OutboxStatus = "queued" | "sent" | "failed" | "merged";

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
    /** A photo or document to send by Telegram's file id, `text` its caption (≤ 1,024 characters). */
    mediaKind: text("media_kind").$type<"photo" | "document">(),
    mediaFileId: text("media_file_id"),
    /** No foreign key: the real system deletes bookings, and a rule of ours must not stop it. */
    bookingId: integer("booking_id"),
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
    /** Who waits when the bot has more to send than Telegram takes (src/telegram/send-budget.ts PRIORITY). */
    priority: smallint("priority").notNull().default(3),
    /** Rows of one chat with the same digest may go out as one message (e.g. new bookings under load). */
    digest: text("digest"),
    /** The row whose digest carried this one (status `merged`). */
    mergedInto: bigint("merged_into", { mode: "number" }),
    /** A message sent as a copy of another (`copyMessage`), `text` then its caption (empty: the original's). */
    copyFromChatId: bigint("copy_from_chat_id", { mode: "number" }),
    copyMessageId: bigint("copy_message_id", { mode: "number" }),
    /** The student a relay to the admins shows (an admin's Telegram reply to it answers them). */
    studentId: bigint("student_id", { mode: "number" }),
    /** Not a message to send: this message of the bot's in `chat_id` is to be deleted (a broadcast's recall). */
    deletesMessageId: bigint("deletes_message_id", { mode: "number" }),
  },
  (t) => [
    check("outbox_status_check", sql`${t.status} IN ('queued', 'sent', 'failed', 'merged')`),
    index("idx_outbox_due").on(t.notBefore, t.id).where(sql`${t.status} = 'queued'`),
    index("idx_outbox_chat_sent").on(t.chatId, t.sentAt),
    index("idx_outbox_booking").on(t.bookingId),
    index("idx_outbox_recipient").on(t.recipientId),
    // "The last delivery error" for health checks, without walking the whole outbox.
    index("idx_outbox_failed").on(t.id).where(sql`${t.status} = 'failed'`),
    index("idx_outbox_merged").on(t.mergedInto).where(sql`${t.mergedInto} IS NOT NULL`),
    // An admin's Telegram reply to a student's message relayed to them: which message was it.
    index("idx_outbox_relays").on(t.chatId, t.telegramMessageId).where(sql`${t.kind} = 'student_relay'`),
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
  /**
   * When its last recipient was done. Not `sent_at`: the real schema fills that in on insert,
   * so it cannot tell a running broadcast from a finished one.
   */
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});

export const messageRecipients = pgTable(
  "message_recipients",
  {
    id: serial("id").primaryKey(),
    messageId: integer("message_id"),
    userId: bigint("user_id", { mode: "number" }),
    username: text("username"),
    deliveryStatus: text("delivery_status").$type<"pending" | "sent" | "failed" | "deleted">(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow(),
    telegramMessageId: bigint("telegram_message_id", { mode: "number" }),
    /** Why a delivery failed (the original system never kept it). */
    error: text("error"),
  },
  (t) => [
    index("idx_message_recipients_message").on(t.messageId, t.deliveryStatus),
    foreignKey({ name: "message_recipients_message_id_fkey", columns: [t.messageId], foreignColumns: [messageHistory.id] }).onDelete("cascade"),
  ],
);

/** A link button under a broadcast: one per row, https only (validated in bot/broadcast-buttons.ts). */
export type LinkButton = { text: string; url: string };

/** Who a broadcast goes to; resolved to user ids when sending starts (db/queries/audiences.ts). */
export type Audience =
  | { kind: "bookings"; status: BookingStatus | "any"; courseId?: number; stream?: string }
  | { kind: "started" }
  | { kind: "never_booked" }
  | { kind: "lesson"; lessonType: string | null; lessonDate: string | null }
  | { kind: "picked"; userIds: number[] };

/**
 * Our broadcasts: what, to whom, when. A row is written when the admin confirms; its
 * `message_history` row and recipients only when sending starts (at once, or at `send_at` by
 * the scheduler), so the real dashboard never sees a schedule of ours — its scheduler sends
 * every due `message_history.scheduled_at`, and would send ours again.
 */
export const broadcasts = pgTable(
  "broadcasts",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    createdBy: bigint("created_by", { mode: "number" }).notNull(),
    audience: jsonb("audience").$type<Audience>().notNull(),
    /** The audience as the admin chose it, in their words then (for the list of scheduled ones). */
    audienceLabel: text("audience_label").notNull(),
    /** The content is a copy of the admin's own message (`copyMessage`): formatting and media as sent. */
    fromChatId: bigint("from_chat_id", { mode: "number" }).notNull(),
    fromMessageId: bigint("from_message_id", { mode: "number" }).notNull(),
    /** Its text or caption (or `[photo]`…), what message_history shows the dashboard. */
    summary: text("summary").notNull(),
    buttons: jsonb("buttons").$type<LinkButton[]>().notNull().default([]),
    /** Null: at once. */
    sendAt: timestamp("send_at", { withTimezone: true }),
    status: text("status").$type<"scheduled" | "started" | "cancelled">().notNull().default("scheduled"),
    /** Its message_history row, once started. No foreign key: the dashboard deletes its rows. */
    messageId: integer("message_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    /** "🗑 Delete from chats": who asked, and when the deletions' report was queued. */
    recalledBy: bigint("recalled_by", { mode: "number" }),
    recallReportedAt: timestamp("recall_reported_at", { withTimezone: true }),
  },
  (t) => [
    check("broadcasts_status_check", sql`${t.status} IN ('scheduled', 'started', 'cancelled')`),
    index("idx_broadcasts_due").on(t.sendAt).where(sql`${t.status} = 'scheduled'`),
    uniqueIndex("idx_broadcasts_message").on(t.messageId),
  ],
);
export type BroadcastRow = typeof broadcasts.$inferSelect;

export type OutboxRow = typeof outbox.$inferSelect;
export type NewOutboxRow = typeof outbox.$inferInsert;

/**
 * Bookings per status, kept exact by statement-level triggers on `bookings` (migration 0003),
 * so the filter buttons' counts cost four rows, not a scan of a million.
 */
export const bookingStatusCounts = pgTable("booking_status_counts", {
  status: integer("status").primaryKey(),
  n: bigint("n", { mode: "number" }).notNull().default(0),
});

/**
 * Each student's bookings per status, kept exact by the same kind of statement-level triggers
 * (migration 0010): a student's screen reads at most four rows, however many bookings they have
 * and however long since the table was last vacuumed.
 */
export const studentStatusCounts = pgTable(
  "student_status_counts",
  {
    userId: bigint("user_id", { mode: "number" }).notNull(),
    status: integer("status").notNull(),
    n: bigint("n", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.status] })],
);

/**
 * Conversation state (an admin half-way through /user, /broadcast, a template edit), kept in the
 * database so a restart or another instance behind the same webhook picks it up.
 */
export const botState = pgTable("bot_state", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** What admins changed outside bookings (courses, streams, coupons), who and when: our audit trail. */
export const adminActions = pgTable(
  "admin_actions",
  {
    id: serial("id").primaryKey(),
    adminId: bigint("admin_id", { mode: "number" }).notNull(),
    adminName: text("admin_name"),
    /** e.g. `stream.open`, `course.rename`, `coupon.create`. */
    action: text("action").notNull(),
    /** e.g. `stream:9th_stream`, `course:1`, `coupon:X7K2M9QA`. */
    target: text("target").notNull(),
    /** What it was and what it became. */
    details: jsonb("details").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("idx_admin_actions_target").on(t.target, t.id)],
);

/**
 * Payment proofs students sent (photos or PDFs), kept by Telegram file id so admins can be sent
 * them again. No foreign key to bookings: the real system deletes bookings.
 */
export const paymentProofs = pgTable(
  "payment_proofs",
  {
    id: serial("id").primaryKey(),
    bookingId: integer("booking_id").notNull(),
    userId: bigint("user_id", { mode: "number" }).notNull(),
    kind: text("kind").$type<"photo" | "document">().notNull(),
    fileId: text("file_id").notNull(),
    fileUniqueId: text("file_unique_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("idx_payment_proofs_booking").on(t.bookingId, t.id)],
);
export type PaymentProof = typeof paymentProofs.$inferSelect;

// ── Launch day: one send budget across processes, group pacing, the receipt review queue ──

/**
 * Each running process's share of the bot's messages a second, and what it has waiting per
 * priority: the shares add up to the bot's rate at most (src/telegram/budget-shares.ts).
 */
export const sendBudgetShares = pgTable("send_budget_shares", {
  owner: text("owner").primaryKey(),
  demand: integer("demand").array().notNull(),
  share: real("share").notNull(),
  seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
});

/** When a group may get its next call, whichever process makes it (20 a minute at most). */
export const sendPacing = pgTable("send_pacing", {
  chatId: bigint("chat_id", { mode: "number" }).primaryKey(),
  nextAt: timestamp("next_at", { withTimezone: true }).notNull(),
});

/**
 * Receipts waiting for an admin: a booking whose payment proof moved it to 1. An admin walking
 * the queue claims one at a time (`claimed_by` until `claimed_until`), so two admins never see
 * the same receipt at once. No foreign key to bookings (the real system deletes bookings): rows
 * whose booking left status 1 are skipped and cleared.
 */
export const proofQueue = pgTable("proof_queue", {
  bookingId: integer("booking_id").primaryKey(),
  queuedAt: timestamp("queued_at", { withTimezone: true }).notNull().defaultNow(),
  claimedBy: bigint("claimed_by", { mode: "number" }),
  claimedUntil: timestamp("claimed_until", { withTimezone: true }),
});

/** "Skip": the receipt goes to the end of this admin's queue. */
export const proofQueueSkips = pgTable(
  "proof_queue_skips",
  {
    adminId: bigint("admin_id", { mode: "number" }).notNull(),
    bookingId: integer("booking_id")
      .notNull()
      .references(() => proofQueue.bookingId, { onDelete: "cascade" }),
    skippedAt: timestamp("skipped_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.adminId, t.bookingId] })],
);

/** The "📥 N receipts waiting" message in each chat that shows it, and what it shows now. */
export const reviewBoards = pgTable("review_boards", {
  chatId: bigint("chat_id", { mode: "number" }).primaryKey(),
  messageId: bigint("message_id", { mode: "number" }),
  shown: integer("shown").notNull().default(0),
  shownAt: timestamp("shown_at", { withTimezone: true }),
});

// ── The people side: students' messages to the admins and the admins' answers ──

/**
 * One thread per student: what they wrote to the bot (`in`, anything that was not a command, a
 * button or a receipt) and what admins wrote to them (`out`, delivered through `outbox_id`).
 * `relay_outbox_id`: the message that showed an `in` to the admins (none when it only counted).
 */
export const studentMessages = pgTable(
  "student_messages",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    userId: bigint("user_id", { mode: "number" }).notNull(),
    direction: text("direction").$type<"in" | "out">().notNull(),
    /** text, photo, document, voice, video, sticker, … */
    kind: text("kind").notNull(),
    /** The text, or the caption. */
    text: text("text"),
    telegramMessageId: bigint("telegram_message_id", { mode: "number" }),
    adminId: bigint("admin_id", { mode: "number" }),
    adminName: text("admin_name"),
    outboxId: bigint("outbox_id", { mode: "number" }),
    relayOutboxId: bigint("relay_outbox_id", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("idx_student_messages_user").on(t.userId, t.id)],
);
export type StudentMessage = typeof studentMessages.$inferSelect;

/**
 * The latest relay of a student's messages to one admin chat: later messages within its window
 * only add to `more`, shown on the relay itself ("➕ 37 more"), so a student writing a hundred
 * messages costs the admins one message and a few edits.
 */
export const studentRelays = pgTable(
  "student_relays",
  {
    userId: bigint("user_id", { mode: "number" }).notNull(),
    chatId: bigint("chat_id", { mode: "number" }).notNull(),
    /** The relay message that carries the header (edited with the count), and how: its text or its caption. */
    outboxId: bigint("outbox_id", { mode: "number" }).notNull(),
    editAs: text("edit_as").$type<"text" | "caption">().notNull(),
    baseText: text("base_text").notNull(),
    more: integer("more").notNull().default(0),
    shownMore: integer("shown_more").notNull().default(0),
    relayedAt: timestamp("relayed_at", { withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.chatId] })],
);
