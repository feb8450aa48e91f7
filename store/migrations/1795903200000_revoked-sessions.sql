-- Up Migration
-- Workspace sessions signed out before they expire (store/postgres.ts): the session is a sealed
-- cookie, so a copy of it would otherwise stay signed in. Ids only, each kept until its session
-- would have expired; every sign-out deletes the expired ones.
CREATE TABLE revoked_sessions (
  session_id text PRIMARY KEY,
  until      timestamptz NOT NULL
);

-- Down Migration
DROP TABLE revoked_sessions;
