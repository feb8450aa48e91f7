-- Up Migration
-- What each workspace user chose for themselves (store/postgres.ts), by the identity provider's
-- subject: the language chosen follows the person to any browser and any web host.
CREATE TABLE user_preferences (
  subject  text PRIMARY KEY,
  language text NOT NULL
);

-- Down Migration
DROP TABLE user_preferences;
