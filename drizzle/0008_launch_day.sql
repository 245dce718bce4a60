-- Launch day: outbox priorities and digests, one send budget shared by processes, group pacing, the receipt review queue. Only our own tables change (0005's rule); idempotent like the others.
CREATE TABLE IF NOT EXISTS "proof_queue" (
	"booking_id" integer PRIMARY KEY NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_by" bigint,
	"claimed_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "proof_queue_skips" (
	"admin_id" bigint NOT NULL,
	"booking_id" integer NOT NULL REFERENCES "proof_queue"("booking_id") ON DELETE cascade,
	"skipped_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "proof_queue_skips_admin_id_booking_id_pk" PRIMARY KEY("admin_id","booking_id")
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "review_boards" (
	"chat_id" bigint PRIMARY KEY NOT NULL,
	"message_id" bigint,
	"shown" integer DEFAULT 0 NOT NULL,
	"shown_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "send_budget_shares" (
	"owner" text PRIMARY KEY NOT NULL,
	"demand" integer[] NOT NULL,
	"share" real NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "send_pacing" (
	"chat_id" bigint PRIMARY KEY NOT NULL,
	"next_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN IF NOT EXISTS "priority" smallint DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN IF NOT EXISTS "digest" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN IF NOT EXISTS "merged_into" bigint;--> statement-breakpoint
ALTER TABLE "outbox" DROP CONSTRAINT IF EXISTS "outbox_status_check";--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_status_check" CHECK ("outbox"."status" IN ('queued', 'sent', 'failed', 'merged'));--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_outbox_merged" ON "outbox" USING btree ("merged_into") WHERE "outbox"."merged_into" IS NOT NULL;--> statement-breakpoint
-- Messages still queued keep their turn by kind: notices before students' messages before broadcasts.
UPDATE "outbox" SET "priority" = CASE "kind" WHEN 'admin_notice' THEN 2 WHEN 'broadcast_report' THEN 2 WHEN 'broadcast' THEN 4 ELSE 3 END WHERE "status" = 'queued';--> statement-breakpoint
-- Receipts already waiting join the queue, oldest first.
INSERT INTO "proof_queue" ("booking_id", "queued_at")
SELECT p."booking_id", min(p."created_at") FROM "payment_proofs" p JOIN "bookings" b ON b."id" = p."booking_id" AND b."confirmed" = 1
GROUP BY p."booking_id"
ON CONFLICT ("booking_id") DO NOTHING;
--> statement-breakpoint
-- A new message wakes every process's delivery worker when its transaction commits (LISTEN outbox_queued), instead of at its next poll.
CREATE OR REPLACE FUNCTION "outbox_queued_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox_queued', '');
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS "outbox_queued" ON "outbox";
--> statement-breakpoint
CREATE TRIGGER "outbox_queued" AFTER INSERT ON "outbox" FOR EACH STATEMENT EXECUTE FUNCTION "outbox_queued_notify"();
