-- Up Migration
-- Each refresh claim names its holder (store/postgres.ts): a claim past its time may be claimed again,
-- and its first holder, only slow, must not then overwrite or delete the newer claimant's claim or
-- outcome. Rows written before have no holder: no holder settles or gives them up, and they lapse.
ALTER TABLE token_refreshes ADD COLUMN holder text;

-- Down Migration
ALTER TABLE token_refreshes DROP COLUMN holder;
