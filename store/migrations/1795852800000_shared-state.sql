-- Up Migration
-- Dossier's shared state (store/postgres.ts). One row per accepted message, per send in progress,
-- per wrapped data key, per published file and per stored document.

CREATE TABLE delivery_records (
  message_id  text PRIMARY KEY,
  record      jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

-- A send in progress. Its owner is alive while the database session that anchors its process
-- (owner_pid, owner_started) is connected and the lease has not run out.
CREATE TABLE delivery_claims (
  message_id    text PRIMARY KEY,
  token         uuid NOT NULL,
  owner_pid     integer NOT NULL,
  owner_started timestamptz,
  host          text NOT NULL,
  expires_at    timestamptz NOT NULL
);

-- Data keys wrapped (AES-256-GCM) by a master key that never reaches the database.
CREATE TABLE wrapped_keys (
  key_id        text PRIMARY KEY,
  master_key_id text NOT NULL,
  iv            text NOT NULL,
  wrapped       text NOT NULL,
  tag           text NOT NULL,
  created_at    timestamptz NOT NULL
);

CREATE TABLE published_files (
  path       text PRIMARY KEY,
  bytes      bytea NOT NULL,
  size       integer NOT NULL,
  sha256     text NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE documents (
  campaign_id text NOT NULL,
  key         text NOT NULL,
  name        text NOT NULL,
  type        text NOT NULL,
  size        integer NOT NULL,
  sha256      text NOT NULL,
  bytes       bytea NOT NULL,
  stored_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, key)
);

-- Down Migration
DROP TABLE documents;
DROP TABLE published_files;
DROP TABLE wrapped_keys;
DROP TABLE delivery_claims;
DROP TABLE delivery_records;
