-- Up Migration
-- A web host of the release before claims named their holder (1796047200000_refresh-claim-holder)
-- takes a claim past its time over without naming one: the row kept the holder of the claim it took
-- over, and that holder, only late, then recorded its outcome over the newer claim, or gave it up, as
-- its own. A take-over that names no holder (a new `until`, no outcome, the holder left as it was) now
-- leaves none, as that host's own claim of a row it inserts does; no holder settles or gives it up.
CREATE FUNCTION token_refreshes_unnamed_take_over() RETURNS trigger AS $$
BEGIN
  IF NEW.outcome IS NULL AND NEW.until IS DISTINCT FROM OLD.until AND NEW.holder IS NOT DISTINCT FROM OLD.holder THEN
    NEW.holder := NULL;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER token_refreshes_unnamed_take_over BEFORE UPDATE ON token_refreshes
  FOR EACH ROW EXECUTE FUNCTION token_refreshes_unnamed_take_over();

-- Down Migration
DROP TRIGGER token_refreshes_unnamed_take_over ON token_refreshes;
DROP FUNCTION token_refreshes_unnamed_take_over();
