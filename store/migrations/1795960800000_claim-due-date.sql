-- Up Migration
-- The due date a send states, written on its claim before the message is handed to the relay: a worker
-- that takes the claim over from one that died states the same date as the copy the vendor may
-- already hold (store/postgres.ts). ISO text, as the ledger's records keep it. Workers of the older
-- version leave it empty, and a take-over from one of them counts a new date, as it did.
ALTER TABLE delivery_claims ADD COLUMN due_date text;

-- Down Migration
ALTER TABLE delivery_claims DROP COLUMN due_date;
