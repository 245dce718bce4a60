-- Sharing the real system's live database. The rule for this and every later migration: nothing
-- we add to a table the real bot or dashboard writes may reject one of their writes or deletes
-- (no unique index, CHECK, NOT NULL or foreign key their statements could violate), and our own
-- tables never block a delete of theirs. Idempotent like 0000: on the real database the real
-- tables already exist and are only read, extended with nullable columns, or written as the
-- real bot writes them.
--
-- What this migration skips or finds is written to migration_notes, which the start log,
-- `npm run db:check` and /health show.
CREATE TABLE IF NOT EXISTS "migration_notes" (
	"key" text PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"detail" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- 1. The rules of ours that broke the real system's writes. The real bot books twice when a
-- student presses twice, the dashboard moves bookings between streams, and clean-ups delete
-- bookings our bot has touched: none of that may fail because of us.
DROP INDEX IF EXISTS "bookings_one_active_per_stream";
--> statement-breakpoint
-- The real bot books course ids from its own config file, whether `courses` has them or not, and
-- a status outside -1..2 is the dashboard's business: 0000's CHECK and foreign key go (the real
-- schema's own foreign key, bookings_course_id_fkey, is theirs and stays).
ALTER TABLE "bookings" DROP CONSTRAINT IF EXISTS "bookings_confirmed_check";
--> statement-breakpoint
ALTER TABLE "bookings" DROP CONSTRAINT IF EXISTS "bookings_course_id_courses_id_fk";
--> statement-breakpoint
ALTER TABLE "outbox" DROP CONSTRAINT IF EXISTS "outbox_booking_id_bookings_id_fk";
--> statement-breakpoint
ALTER TABLE "streams" DROP CONSTRAINT IF EXISTS "streams_course_id_courses_id_fk";
--> statement-breakpoint
-- Ours came without ON DELETE CASCADE next to the real one that has it, so the dashboard's
-- "delete a message" could fail. Keep exactly one, the real system's.
ALTER TABLE "message_recipients" DROP CONSTRAINT IF EXISTS "message_recipients_message_id_message_history_id_fk";
--> statement-breakpoint
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'message_recipients'::regclass AND contype = 'f') THEN
    ALTER TABLE "message_recipients" ADD CONSTRAINT "message_recipients_message_id_fkey"
      FOREIGN KEY ("message_id") REFERENCES "message_history"("id") ON DELETE CASCADE NOT VALID;
  END IF;
END $$;
--> statement-breakpoint
-- 2. The real system's tables, exactly as its bot creates them, for a database it never saw.
CREATE TABLE IF NOT EXISTS "events" (
	"id" serial PRIMARY KEY,
	"user_id" bigint NOT NULL,
	"event_type" varchar(50) NOT NULL,
	"details" jsonb,
	"created_at" timestamp with time zone DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "referral_coupons" (
	"id" serial PRIMARY KEY,
	"code" text UNIQUE NOT NULL,
	"name" text,
	"discount_percent" integer NOT NULL,
	"max_activations" integer NOT NULL,
	"current_activations" integer DEFAULT 0,
	"created_by" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT CURRENT_TIMESTAMP,
	"is_active" integer DEFAULT 1
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "referral_usage" (
	"id" serial PRIMARY KEY,
	"coupon_id" integer NOT NULL REFERENCES "referral_coupons"("id"),
	"user_id" bigint NOT NULL,
	"booking_id" integer REFERENCES "bookings"("id"),
	"used_at" timestamp with time zone DEFAULT CURRENT_TIMESTAMP,
	UNIQUE ("coupon_id", "user_id")
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "blocked_users" (
	"user_id" bigint PRIMARY KEY,
	"blocked_at" timestamp with time zone DEFAULT now(),
	"reason" text DEFAULT 'bot_blocked_by_user'
);
--> statement-breakpoint
-- (The index on events for a booking's history is built after the migrations, concurrently:
-- src/db/shared-indexes.ts.)
-- 3. One history: our audit rows move into events, in the real bot's format plus who acted and why.
DO $$
BEGIN
  IF to_regclass('booking_events') IS NOT NULL THEN
    INSERT INTO "events" ("user_id", "event_type", "details", "created_at")
    SELECT coalesce(b."user_id", e."actor_id"),
           CASE WHEN e."from_status" IS NULL THEN 'booking_created' ELSE 'booking_status_changed' END,
           jsonb_strip_nulls(jsonb_build_object(
             'booking_id', e."booking_id",
             'course_id', CASE WHEN e."from_status" IS NULL THEN b."course_id" END,
             'old_status', e."from_status",
             'new_status', CASE WHEN e."from_status" IS NOT NULL THEN e."to_status" END,
             'old_status_name', CASE e."from_status" WHEN 0 THEN 'pending' WHEN 1 THEN 'payment_uploaded' WHEN 2 THEN 'approved' WHEN -1 THEN 'cancelled' END,
             'new_status_name', CASE WHEN e."from_status" IS NOT NULL THEN CASE e."to_status" WHEN 0 THEN 'pending' WHEN 1 THEN 'payment_uploaded' WHEN 2 THEN 'approved' WHEN -1 THEN 'cancelled' END END,
             'actor_id', e."actor_id",
             'actor_name', e."actor_name",
             'actor_role', e."actor_role",
             'reason', e."reason",
             'source', 'admin_bot')),
           e."created_at"
    FROM "booking_events" e LEFT JOIN "bookings" b ON b."id" = e."booking_id"
    ORDER BY e."id";
    DROP TABLE "booking_events";
  END IF;
END $$;
--> statement-breakpoint
-- 4. Students who blocked the bot live in the real blocked_users, not in a flag of ours.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'users' AND column_name = 'unreachable_at') THEN
    INSERT INTO "blocked_users" ("user_id", "blocked_at", "reason")
    SELECT "user_id", "unreachable_at", coalesce("unreachable_reason", 'bot_blocked_by_user') FROM "users" WHERE "unreachable_at" IS NOT NULL
    ON CONFLICT ("user_id") DO NOTHING;
    ALTER TABLE "users" DROP COLUMN "unreachable_at";
    ALTER TABLE "users" DROP COLUMN IF EXISTS "unreachable_reason";
  END IF;
END $$;
--> statement-breakpoint
-- 5. Our referral codes become real coupons. They had no activation limit, so they get a large
-- one; the students who already used one count as its activations and cannot use it again.
-- A code the real table already has is left to the real coupon, and noted.
DO $$
DECLARE
  skipped text;
  n integer;
BEGIN
  IF to_regclass('referral_codes') IS NOT NULL THEN
    SELECT string_agg(c."code", ', ' ORDER BY c."code"), count(*) INTO skipped, n
    FROM "referral_codes" c WHERE EXISTS (SELECT 1 FROM "referral_coupons" r WHERE upper(r."code") = upper(c."code"));
    IF n > 0 THEN
      INSERT INTO "migration_notes" ("key", "level", "count", "detail") VALUES ('referral-codes-not-moved', 'warning', n, skipped)
      ON CONFLICT ("key") DO UPDATE SET "count" = excluded."count", "detail" = excluded."detail";
    END IF;
    INSERT INTO "referral_coupons" ("code", "discount_percent", "max_activations", "current_activations", "created_by", "is_active")
    SELECT c."code", c."discount_percent", 1000000,
           (SELECT count(DISTINCT b."user_id") FROM "bookings" b WHERE b."referral_code" = c."code"),
           0, CASE WHEN c."is_active" THEN 1 ELSE 0 END
    FROM "referral_codes" c
    WHERE NOT EXISTS (SELECT 1 FROM "referral_coupons" r WHERE upper(r."code") = upper(c."code"));
    INSERT INTO "referral_usage" ("coupon_id", "user_id", "booking_id", "used_at")
    SELECT DISTINCT ON (r."id", b."user_id") r."id", b."user_id", b."id", b."created_at"
    FROM "referral_codes" c
    JOIN "referral_coupons" r ON r."code" = c."code" AND r."created_by" = 0 AND r."max_activations" = 1000000
    JOIN "bookings" b ON b."referral_code" = c."code"
    ORDER BY r."id", b."user_id", b."created_at", b."id"
    ON CONFLICT DO NOTHING;
    DROP TABLE "referral_codes";
  END IF;
END $$;
--> statement-breakpoint
-- 6. Broadcasts end when their last recipient is done, recorded here: the real schema fills
-- sent_at on insert, so it cannot tell a running broadcast from a finished one. Those of ours
-- that are already done are marked, without a late report.
ALTER TABLE "message_history" ADD COLUMN IF NOT EXISTS "finished_at" timestamp with time zone;
--> statement-breakpoint
UPDATE "message_history" h SET "finished_at" = coalesce(h."sent_at", h."created_at", now())
WHERE h."finished_at" IS NULL AND h."created_by" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "message_recipients" r WHERE r."message_id" = h."id" AND r."delivery_status" = 'pending');
--> statement-breakpoint
-- 7. What earlier steps did to rows of the real system, and what they could not check, said
-- where an operator looks. (0000 dated bookings that had no created_at 1970-01-01 and added
-- its CHECK and foreign key NOT VALID, which leaves old rows unchecked.)
INSERT INTO "migration_notes" ("key", "level", "count")
SELECT 'bookings-dated-1970', 'info', n FROM (SELECT count(*)::int AS n FROM "bookings" WHERE "created_at" = 'epoch') x WHERE n > 0
ON CONFLICT ("key") DO UPDATE SET "count" = excluded."count";
--> statement-breakpoint
INSERT INTO "migration_notes" ("key", "level", "count")
SELECT 'bookings-unknown-status', 'warning', n FROM (SELECT count(*)::int AS n FROM "bookings" WHERE "confirmed" NOT IN (-1, 0, 1, 2)) x WHERE n > 0
ON CONFLICT ("key") DO UPDATE SET "count" = excluded."count";
--> statement-breakpoint
INSERT INTO "migration_notes" ("key", "level", "count")
SELECT 'bookings-unknown-course', 'info', n FROM (
  SELECT count(*)::int AS n FROM "bookings" b WHERE b."course_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "courses" c WHERE c."id" = b."course_id")
) x WHERE n > 0
ON CONFLICT ("key") DO UPDATE SET "count" = excluded."count";
--> statement-breakpoint
-- Two live bookings of one student in one stream: the real bot makes them; ours never does.
INSERT INTO "migration_notes" ("key", "level", "count")
SELECT 'duplicate-live-bookings', 'info', n FROM (
  SELECT count(*)::int AS n FROM (
    SELECT 1 FROM "bookings" WHERE "confirmed" <> -1 GROUP BY "user_id", "course_id", "course_stream" HAVING count(*) > 1
  ) d
) x WHERE n > 0
ON CONFLICT ("key") DO UPDATE SET "count" = excluded."count";
