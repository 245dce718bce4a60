-- The business loop: our audit of admins' changes to courses, streams and coupons, payment
-- proofs kept by Telegram file id, and photos/documents in the outbox. Only our own tables
-- change (0005's rule); idempotent like the others.
CREATE TABLE IF NOT EXISTS "admin_actions" (
	"id" serial PRIMARY KEY NOT NULL,
	"admin_id" bigint NOT NULL,
	"admin_name" text,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"details" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "payment_proofs" (
	"id" serial PRIMARY KEY NOT NULL,
	"booking_id" integer NOT NULL,
	"user_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"file_id" text NOT NULL,
	"file_unique_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN IF NOT EXISTS "media_kind" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN IF NOT EXISTS "media_file_id" text;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_admin_actions_target" ON "admin_actions" USING btree ("target","id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_payment_proofs_booking" ON "payment_proofs" USING btree ("booking_id","id");