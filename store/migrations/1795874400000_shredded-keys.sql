-- Up Migration
-- Tombstones of shredded data keys (store/postgres.ts). A campaign's key, once destroyed, must never
-- be made again: a send completing after the shredding would otherwise encrypt under a fresh key,
-- readable. Holds only the key id and when it was shredded, never key material.
CREATE TABLE shredded_keys (
  key_id      text PRIMARY KEY,
  shredded_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE shredded_keys;
