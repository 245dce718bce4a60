-- Idempotent on purpose: pointed at the real booking service's database (which already has
-- bookings/courses/users with rows), this keeps every row and adds only what is missing.
-- Constraints are added NOT VALID there, so legacy rows never block the migration (0005 drops
-- them again: they could reject the real system's writes). The one change to legacy rows: a booking with no created_at or status
-- (impossible to page through or filter) gets the epoch and status 0 "new", so it shows, dated
-- 01.01.1970, at the end of the list. Our indexes on bookings and users are built after the
-- migrations, concurrently, so the real system's writes never wait for them
-- (src/db/shared-indexes.ts; this file built them in earlier versions).
CREATE TABLE IF NOT EXISTS "bookings" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"username" text,
	"first_name" text,
	"course_id" integer,
	"course_stream" varchar(50),
	"confirmed" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"referral_code" text,
	"discount_percent" integer DEFAULT 0
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "courses" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text,
	"description" text,
	"price_usd_cents" integer,
	"button_text" text,
	"is_active" boolean DEFAULT true,
	"start_date_text" text
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "streams" (
	"code" varchar(50) PRIMARY KEY NOT NULL,
	"title" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "users" (
	"user_id" bigint PRIMARY KEY NOT NULL,
	"username" text,
	"first_name" text,
	"last_name" text,
	"language_code" text,
	"first_seen_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now()
);
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'bookings' AND column_name = 'created_at' AND is_nullable = 'YES') THEN
    UPDATE "bookings" SET "created_at" = 'epoch' WHERE "created_at" IS NULL;
    ALTER TABLE "bookings" ALTER COLUMN "created_at" SET NOT NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'bookings' AND column_name = 'confirmed' AND is_nullable = 'YES') THEN
    UPDATE "bookings" SET "confirmed" = 0 WHERE "confirmed" IS NULL;
    ALTER TABLE "bookings" ALTER COLUMN "confirmed" SET NOT NULL;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'bookings'::regclass AND conname = 'bookings_confirmed_check') THEN
    ALTER TABLE "bookings" ADD CONSTRAINT "bookings_confirmed_check" CHECK ("confirmed" IN (-1, 0, 1, 2)) NOT VALID;
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
    WHERE c.conrelid = 'bookings'::regclass AND c.contype = 'f' AND a.attname = 'course_id'
  ) THEN
    ALTER TABLE "bookings" ADD CONSTRAINT "bookings_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") NOT VALID;
  END IF;
END $$;
--> statement-breakpoint
INSERT INTO "streams" ("code", "title") VALUES
  ('3rd_stream', '3-й поток'),
  ('4th_stream', '4-й поток'),
  ('5th_stream', '5-й поток'),
  ('6th_stream', '6-й поток'),
  ('7th_stream', '7-й поток'),
  ('8th_stream', '8-й поток'),
  ('mentoring', 'Менторинг')
ON CONFLICT ("code") DO NOTHING;
