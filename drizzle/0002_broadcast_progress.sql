-- Who sent a broadcast and which of their messages shows its progress (idempotent: the real
-- system's message_history gains two nullable columns, nothing else changes).
ALTER TABLE "message_history" ADD COLUMN IF NOT EXISTS "created_by" bigint;--> statement-breakpoint
ALTER TABLE "message_history" ADD COLUMN IF NOT EXISTS "progress_message_id" bigint;
