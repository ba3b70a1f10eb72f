-- location_load.day was UTC's date (003); from here on it is the location's own date in its
-- timezone, so a location's capacity resets at its own midnight. Rows written before stay
-- under the UTC date they were counted on.
COMMENT ON COLUMN location_load.day IS 'the location''s own date, in its timezone';
