-- Exact bookings-per-status counts without scanning bookings: statement-level triggers with
-- transition tables apply each statement's net change in one UPDATE, so a bulk insert of a
-- million rows costs one UPDATE, and writes by another program (the real system's own bot)
-- are counted too. The table lock keeps rows written during the backfill from being missed.
CREATE TABLE IF NOT EXISTS "booking_status_counts" (
	"status" integer PRIMARY KEY NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
LOCK TABLE "bookings" IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
DELETE FROM "booking_status_counts";
--> statement-breakpoint
INSERT INTO "booking_status_counts" ("status", "n")
SELECT s, (SELECT count(*) FROM "bookings" WHERE "confirmed" = s) FROM unnest(ARRAY[-1, 0, 1, 2]) AS s;
--> statement-breakpoint
-- Counter rows are always locked in status order, so two transactions never deadlock on them.
-- A transition table exists only for the events that have it, so one function per event.
CREATE OR REPLACE FUNCTION booking_status_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO booking_status_counts AS c (status, n)
  SELECT confirmed, count(*) FROM new_rows GROUP BY confirmed ORDER BY confirmed
  ON CONFLICT (status) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION booking_status_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO booking_status_counts AS c (status, n)
  SELECT confirmed, -count(*) FROM old_rows GROUP BY confirmed ORDER BY confirmed
  ON CONFLICT (status) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION booking_status_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO booking_status_counts AS c (status, n)
  SELECT status, sum(d) FROM (
    SELECT confirmed AS status, count(*) AS d FROM new_rows GROUP BY confirmed
    UNION ALL
    SELECT confirmed, -count(*) FROM old_rows GROUP BY confirmed
  ) AS delta GROUP BY status HAVING sum(d) <> 0 ORDER BY status
  ON CONFLICT (status) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION booking_status_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE booking_status_counts SET n = 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS booking_status_counts_ins ON "bookings";
--> statement-breakpoint
DROP TRIGGER IF EXISTS booking_status_counts_del ON "bookings";
--> statement-breakpoint
DROP TRIGGER IF EXISTS booking_status_counts_upd ON "bookings";
--> statement-breakpoint
DROP TRIGGER IF EXISTS booking_status_counts_trunc ON "bookings";
--> statement-breakpoint
CREATE TRIGGER booking_status_counts_ins AFTER INSERT ON "bookings"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION booking_status_counts_insert();
--> statement-breakpoint
CREATE TRIGGER booking_status_counts_del AFTER DELETE ON "bookings"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION booking_status_counts_delete();
--> statement-breakpoint
CREATE TRIGGER booking_status_counts_upd AFTER UPDATE ON "bookings"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION booking_status_counts_update();
--> statement-breakpoint
CREATE TRIGGER booking_status_counts_trunc AFTER TRUNCATE ON "bookings"
  FOR EACH STATEMENT EXECUTE FUNCTION booking_status_counts_truncate();
