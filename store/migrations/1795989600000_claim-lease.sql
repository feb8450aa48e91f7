-- Up Migration
-- The lease its holder renews the claim on (store/postgres.ts): another worker that finds the claim
-- expired takes it over only once it has seen it stay unrenewed for that long, so a holder that only
-- lost the database (for longer than a lease) renews it again and keeps it. Workers of the older
-- version leave it empty; the worker that finds the claim then waits for its own lease.
ALTER TABLE delivery_claims ADD COLUMN lease_ms integer;

-- Down Migration
ALTER TABLE delivery_claims DROP COLUMN lease_ms;
