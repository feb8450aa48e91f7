-- Up Migration
-- Refreshes of workspace sessions' refresh tokens (store/postgres.ts), one per old token across every
-- web process: a provider that rotates refresh tokens revokes the grant when an old one is used again.
-- Keyed by the old token's digest; the outcome is sealed by the workspace; each claim deletes the
-- rows past their time (a minute or so).
CREATE TABLE token_refreshes (
  digest  text PRIMARY KEY,
  until   timestamptz NOT NULL,
  outcome text
);

-- Down Migration
DROP TABLE token_refreshes;
