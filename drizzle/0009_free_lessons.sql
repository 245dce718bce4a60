-- The real bot's free-lesson (workshop) registrations, which /workshops reads and never writes.
-- On the real database the table is there and stays exactly as it is. On a database the real
-- bot never saw it is created as the real system has it: the real bot's own CREATE TABLE (same
-- columns, defaults and UNIQUE (user_id, lesson_type), so that constraint gets the name the real
-- bot's start-up checks for) plus `lesson_date` and the unique index its upsert
-- `ON CONFLICT (user_id, lesson_type, lesson_date)` needs, both added by hand in production
-- (shared/seed/real-system-facts.md). Their rules on their table: nothing of ours is added to it.
-- The index is a plain unique index, not a constraint: the real bot's start-up drops the first
-- UNIQUE constraint whose name contains "user_id" and adds its own back, and a constraint here
-- would be the one dropped, leaving its upsert without the index it names.
DO $$
BEGIN
  IF to_regclass('free_lesson_registrations') IS NULL THEN
    CREATE TABLE "free_lesson_registrations" (
      "id" serial PRIMARY KEY,
      "user_id" bigint NOT NULL,
      "username" text,
      "first_name" text,
      "email" text NOT NULL,
      "registered_at" timestamp with time zone DEFAULT CURRENT_TIMESTAMP,
      "notification_sent" boolean DEFAULT FALSE,
      "lesson_type" varchar(50) DEFAULT 'cursor_lesson',
      "lesson_date" date,
      UNIQUE ("user_id", "lesson_type")
    );
    CREATE UNIQUE INDEX "free_lesson_registrations_user_lesson_date" ON "free_lesson_registrations" ("user_id", "lesson_type", "lesson_date");
  END IF;
END $$;
