-- Up Migration
-- A send's claim is owned by a worker process, named by a token it draws at start, and is taken over
-- only once its lease runs out (store/postgres.ts). It used to be owned by a database session, so a
-- dropped connection (restart, failover, idle reaper) let another worker send a message still being
-- sent. Workers of the older version fail their sends on these columns until they are upgraded,
-- which delays mail but sends nothing twice.
ALTER TABLE delivery_claims DROP COLUMN owner_pid, DROP COLUMN owner_started, ADD COLUMN owner uuid;

-- Down Migration
ALTER TABLE delivery_claims DROP COLUMN owner, ADD COLUMN owner_pid integer NOT NULL DEFAULT 0, ADD COLUMN owner_started timestamptz;
