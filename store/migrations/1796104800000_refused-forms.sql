-- Up Migration
-- Refused workspace forms waiting for the page they were sent on to (store/postgres.ts), which another
-- web host may serve: sealed by the workspace, each taken once (deleted as it is read) and good for
-- minutes. Every keep deletes some of those past their time, found by the index on until.
CREATE TABLE refused_forms (
  id     text PRIMARY KEY,
  sealed text NOT NULL,
  until  timestamptz NOT NULL
);
CREATE INDEX refused_forms_until ON refused_forms (until);

-- Down Migration
DROP TABLE refused_forms;
