import type pg from "pg";

/**
 * The real booking service's database, exactly as ../shared/seed/real-system-facts.md lists it
 * (its bot's setup code plus the dashboard's tables), and the statements its bot and dashboard
 * run. The coexistence suite applies our migrations to this and replays every write.
 */
export const REAL_SCHEMA = `
CREATE TABLE courses (
  id serial PRIMARY KEY, name text NOT NULL, description text,
  price_usd_cents int NOT NULL DEFAULT 0, button_text varchar(100) NOT NULL,
  is_active boolean DEFAULT true, start_date_text varchar(100)
);
CREATE TABLE bookings (
  id serial PRIMARY KEY, user_id bigint NOT NULL, username text, first_name text,
  course_id int REFERENCES courses(id), confirmed int DEFAULT 0,
  created_at timestamptz DEFAULT CURRENT_TIMESTAMP,
  referral_code text, discount_percent int DEFAULT 0,
  course_stream varchar(50) DEFAULT '4th_stream'
);
CREATE TABLE users (
  user_id bigint PRIMARY KEY, username text, first_name text, last_name text, language_code text,
  first_seen_at timestamp WITHOUT time zone DEFAULT now(),
  updated_at timestamp WITHOUT time zone DEFAULT now()
);
CREATE INDEX idx_users_username ON users (username) WHERE username IS NOT NULL;
CREATE INDEX idx_users_first_name ON users (first_name) WHERE first_name IS NOT NULL;
CREATE TABLE events (
  id serial PRIMARY KEY, user_id bigint NOT NULL, event_type varchar(50) NOT NULL,
  details jsonb, created_at timestamptz DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE referral_coupons (
  id serial PRIMARY KEY, code text NOT NULL UNIQUE, name text,
  discount_percent int NOT NULL, max_activations int NOT NULL, current_activations int DEFAULT 0,
  created_by bigint NOT NULL, created_at timestamptz DEFAULT CURRENT_TIMESTAMP, is_active int DEFAULT 1
);
CREATE TABLE referral_usage (
  id serial PRIMARY KEY, coupon_id int NOT NULL REFERENCES referral_coupons(id),
  user_id bigint NOT NULL, booking_id int REFERENCES bookings(id),
  used_at timestamptz DEFAULT CURRENT_TIMESTAMP, UNIQUE (coupon_id, user_id)
);
CREATE TABLE free_lesson_registrations (
  id serial PRIMARY KEY, user_id bigint NOT NULL, username text, first_name text,
  email text NOT NULL, registered_at timestamptz DEFAULT CURRENT_TIMESTAMP, notification_sent boolean DEFAULT FALSE,
  lesson_type varchar(50) DEFAULT 'cursor_lesson', lesson_date date,
  UNIQUE (user_id, lesson_type)
);
CREATE UNIQUE INDEX free_lesson_registrations_user_lesson_date ON free_lesson_registrations (user_id, lesson_type, lesson_date);
CREATE TABLE message_history (
  id serial PRIMARY KEY, message_text text NOT NULL,
  total_recipients int NOT NULL DEFAULT 0, successful_deliveries int DEFAULT 0,
  sent_at timestamptz DEFAULT CURRENT_TIMESTAMP, created_at timestamptz DEFAULT CURRENT_TIMESTAMP,
  recipient_type varchar(20), recipient_group varchar(50), scheduled_at timestamptz
);
CREATE TABLE message_recipients (
  id serial PRIMARY KEY, message_id int NOT NULL REFERENCES message_history(id) ON DELETE CASCADE,
  user_id bigint NOT NULL, username text, delivery_status text DEFAULT 'pending',
  created_at timestamptz, telegram_message_id int
);
CREATE INDEX idx_message_recipients_message_id ON message_recipients (message_id);
CREATE INDEX idx_message_recipients_status ON message_recipients (message_id, delivery_status);
CREATE INDEX idx_message_recipients_user_id ON message_recipients (user_id);
CREATE TABLE blocked_users (
  user_id bigint PRIMARY KEY, blocked_at timestamptz DEFAULT now(), reason text DEFAULT 'bot_blocked_by_user'
);
`;

/** What the real bot's setup code runs at every start (its CREATE TABLE IF NOT EXISTS), after ours. */
export const REAL_BOT_SETUP = `
CREATE TABLE IF NOT EXISTS bookings (id SERIAL PRIMARY KEY, user_id BIGINT NOT NULL, username TEXT, first_name TEXT,
  course_id INTEGER REFERENCES courses(id), confirmed INTEGER DEFAULT 0, created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
  referral_code TEXT, discount_percent INTEGER DEFAULT 0, course_stream VARCHAR(50) DEFAULT '4th_stream');
CREATE TABLE IF NOT EXISTS referral_coupons (id SERIAL PRIMARY KEY, code TEXT UNIQUE NOT NULL, name TEXT, discount_percent INTEGER NOT NULL,
  max_activations INTEGER NOT NULL, current_activations INTEGER DEFAULT 0, created_by BIGINT NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP, is_active INTEGER DEFAULT 1);
CREATE TABLE IF NOT EXISTS events (id SERIAL PRIMARY KEY, user_id BIGINT NOT NULL, event_type VARCHAR(50) NOT NULL, details JSONB,
  created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS free_lesson_registrations (id SERIAL PRIMARY KEY, user_id BIGINT NOT NULL, username TEXT, first_name TEXT,
  email TEXT NOT NULL, registered_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP, notification_sent BOOLEAN DEFAULT FALSE,
  lesson_type VARCHAR(50) DEFAULT 'cursor_lesson', UNIQUE(user_id, lesson_type));
DO $$
DECLARE old text;
BEGIN
  -- Its run_migrations(): drops the first UNIQUE constraint named like '%user_id%', then adds
  -- free_lesson_registrations_user_id_lesson_type_key back if it is missing.
  SELECT constraint_name INTO old FROM information_schema.table_constraints
  WHERE table_name = 'free_lesson_registrations' AND constraint_type = 'UNIQUE' AND constraint_name LIKE '%user_id%' LIMIT 1;
  IF old IS NOT NULL THEN EXECUTE format('ALTER TABLE free_lesson_registrations DROP CONSTRAINT %I', old); END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'free_lesson_registrations_user_id_lesson_type_key') THEN
    ALTER TABLE free_lesson_registrations ADD CONSTRAINT free_lesson_registrations_user_id_lesson_type_key UNIQUE (user_id, lesson_type);
  END IF;
END $$;
`;

const STATUS_NAMES: Record<number, string> = { 0: "pending", 1: "payment_uploaded", 2: "approved", [-1]: "cancelled" };

/**
 * The real bot's and dashboard's statements, as they run them (psycopg2 / node-postgres, one
 * statement each, autocommit). Each returns what the next step needs.
 */
export function realSystem(client: Pick<pg.Pool, "query">) {
  const one = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows[0] as T;
  const logEvent = (userId: number, type: string, details: Record<string, unknown> | null) =>
    client.query("INSERT INTO events (user_id, event_type, details) VALUES ($1, $2, $3)", [userId, type, details === null ? null : JSON.stringify(details)]);

  return {
    upsertUser: (u: { id: number; username: string | null; firstName: string; lastName?: string | null; lang?: string }) =>
      client.query(
        `INSERT INTO users (user_id, username, first_name, last_name, language_code) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id) DO UPDATE SET username = EXCLUDED.username, first_name = EXCLUDED.first_name,
           last_name = EXCLUDED.last_name, language_code = EXCLUDED.language_code, updated_at = NOW()`,
        [u.id, u.username, u.firstName, u.lastName ?? null, u.lang ?? "ru"],
      ),
    logEvent,
    /** create_booking: no duplicate check, the stream from its config. */
    async createBooking(b: { userId: number; username: string | null; firstName: string; courseId: number; code?: string | null; discount?: number; stream: string }) {
      const row = await one<{ id: number }>(
        `INSERT INTO bookings (user_id, username, first_name, course_id, referral_code, discount_percent, course_stream)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [b.userId, b.username, b.firstName, b.courseId, b.code ?? null, b.discount ?? 0, b.stream],
      );
      await logEvent(b.userId, "booking_created", { course_id: b.courseId, booking_id: row.id, username: b.username, first_name: b.firstName });
      return row.id;
    },
    /** update_booking_status: read the old status, update, log booking_status_changed. */
    async setStatus(bookingId: number, status: number) {
      const before = await one<{ user_id: string; username: string | null; first_name: string | null; confirmed: number }>(
        "SELECT user_id, username, first_name, confirmed FROM bookings WHERE id = $1",
        [bookingId],
      );
      const updated = await client.query("UPDATE bookings SET confirmed = $1 WHERE id = $2", [status, bookingId]);
      if (updated.rowCount) {
        await logEvent(Number(before.user_id), "booking_status_changed", {
          booking_id: bookingId,
          old_status: before.confirmed,
          new_status: status,
          old_status_name: STATUS_NAMES[before.confirmed] ?? "unknown",
          new_status_name: STATUS_NAMES[status] ?? "unknown",
          ...(before.username ? { username: before.username } : {}),
          ...(before.first_name ? { first_name: before.first_name } : {}),
        });
      }
    },
    /** An admin presses "approve" (any old button, even of a cancelled booking). */
    async approve(bookingId: number, studentId: number, adminId: number) {
      await this.setStatus(bookingId, 2);
      await logEvent(studentId, "payment_approved", { booking_id: bookingId, approved_by: adminId });
    },
    async studentCancels(bookingId: number, studentId: number) {
      await this.setStatus(bookingId, -1);
      await logEvent(studentId, "booking_cancelled", { booking_id: bookingId });
    },
    /** A photo of the payment: the newest status-0 booking → 1. */
    async paymentProof(studentId: number) {
      await logEvent(studentId, "payment_proof_uploaded", null);
      const pending = await one<{ id: number } | undefined>(
        "SELECT b.id FROM bookings b JOIN courses c ON b.course_id = c.id WHERE b.user_id = $1 AND b.confirmed = 0 ORDER BY b.created_at DESC LIMIT 1",
        [studentId],
      );
      if (pending) await this.setStatus(pending.id, 1);
      return pending?.id;
    },
    async createCoupon(code: string, discount: number, activations: number, creator: number) {
      await client.query("INSERT INTO referral_coupons (code, discount_percent, max_activations, created_by) VALUES ($1, $2, $3, $4)", [code, discount, activations, creator]);
    },
    async applyCoupon(couponId: number, userId: number, bookingId: number) {
      await client.query("INSERT INTO referral_usage (coupon_id, user_id, booking_id) VALUES ($1, $2, $3)", [couponId, userId, bookingId]);
      await client.query("UPDATE referral_coupons SET current_activations = current_activations + 1 WHERE id = $1", [couponId]);
    },
    /**
     * create_free_lesson_registration: a student leaves an email for a lesson (its type and date,
     * null when lessons.yaml gives no datetime); the same lesson and date again updates the row.
     */
    async registerForLesson(r: { userId: number; username: string | null; firstName: string | null; email: string; lessonType: string; lessonDate: string | null }) {
      const row = await one<{ id: number }>(
        `INSERT INTO free_lesson_registrations (user_id, username, first_name, email, lesson_type, lesson_date)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, lesson_type, lesson_date) DO UPDATE SET
           username = EXCLUDED.username, first_name = EXCLUDED.first_name, email = EXCLUDED.email,
           registered_at = CURRENT_TIMESTAMP, notification_sent = FALSE
         RETURNING id`,
        [r.userId, r.username, r.firstName, r.email, r.lessonType, r.lessonDate],
      );
      return row.id;
    },
    /** mark_notification_sent: the reminder before the lesson went out. */
    markLessonNotified: (registrationId: number) => client.query("UPDATE free_lesson_registrations SET notification_sent = TRUE WHERE id = $1", [registrationId]),
    /** One-off maintenance: move a whole stream. */
    moveStream: (from: string, to: string) => client.query("UPDATE bookings SET course_stream = $1 WHERE course_stream = $2", [to, from]),
    deleteByUsername: (username: string) => client.query("DELETE FROM bookings WHERE username = $1", [username]),

    // ── The dashboard ────────────────────────────────────────────────────────────────────────
    editBooking: (id: number, fields: { course_stream?: string; confirmed?: number; discount_percent?: number; course_id?: number }) => {
      const keys = Object.keys(fields);
      return client.query(`UPDATE bookings SET ${keys.map((k, i) => `${k} = $${i + 1}`).join(", ")} WHERE id = $${keys.length + 1}`, [
        ...Object.values(fields),
        id,
      ]);
    },
    /** "Change stream": the student's newest non-cancelled booking moves, even onto a stream they hold. */
    async changeStream(userId: number, stream: string) {
      const newest = await one<{ id: number }>("SELECT id FROM bookings WHERE user_id = $1 AND confirmed != -1 ORDER BY created_at DESC LIMIT 1", [userId]);
      await client.query("UPDATE bookings SET course_stream = $1 WHERE id = $2", [stream, newest.id]);
    },
    async sendMessage(text: string, recipients: number[], scheduledAt: Date | null = null) {
      const { id } = await one<{ id: number }>(
        "INSERT INTO message_history (message_text, total_recipients, recipient_type, recipient_group, scheduled_at) VALUES ($1, $2, 'individual', NULL, $3) RETURNING id",
        [text, recipients.length, scheduledAt],
      );
      for (const userId of recipients) {
        await client.query("INSERT INTO message_recipients (message_id, user_id, username) VALUES ($1, $2, NULL)", [id, userId]);
      }
      return id;
    },
    markDelivered: (messageId: number, userId: number, telegramMessageId: number) =>
      client.query("UPDATE message_recipients SET delivery_status = 'sent', telegram_message_id = $1 WHERE message_id = $2 AND user_id = $3", [
        telegramMessageId,
        messageId,
        userId,
      ]),
    recount: (messageId: number) =>
      client.query(
        "UPDATE message_history SET successful_deliveries = (SELECT count(*) FROM message_recipients WHERE message_id = $1 AND delivery_status = 'sent') WHERE id = $1",
        [messageId],
      ),
    deleteMessage: (messageId: number) => client.query("DELETE FROM message_history WHERE id = $1", [messageId]),
    blockUser: (userId: number, reason = "bot_blocked_by_user") =>
      client.query("INSERT INTO blocked_users (user_id, reason) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET blocked_at = NOW(), reason = $2", [userId, reason]),
    unblockUser: (userId: number) => client.query("DELETE FROM blocked_users WHERE user_id = $1", [userId]),
  };
}
