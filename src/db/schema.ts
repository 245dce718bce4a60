import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  serial,
  text,
  timestamp,
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
  ],
);

export type Booking = typeof bookings.$inferSelect;
export type NewBooking = typeof bookings.$inferInsert;
export type Course = typeof courses.$inferSelect;
export type User = typeof users.$inferSelect;
export type Stream = typeof streams.$inferSelect;
