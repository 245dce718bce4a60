-- idx_bookings_user, idx_bookings_status and idx_bookings_date are covered by composite indexes
-- and only cost the real bot's inserts. They are dropped after the migrations with DROP INDEX
-- CONCURRENTLY (src/db/shared-indexes.ts), which takes no lock that would hold the real
-- system's reads or writes; this step only records the change in drizzle's snapshot.
SELECT 1;
