CREATE TABLE IF NOT EXISTS "bot_state" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_outbox_failed" ON "outbox" USING btree ("id") WHERE "outbox"."status" = 'failed';