-- A refused warehouse report kept whole (its reason, the lines of a short pick...), not only the
-- fields the list shows: an operator can read or re-send exactly what the warehouse said.
ALTER TABLE refused_reports ADD COLUMN report jsonb NOT NULL DEFAULT '{}';
