-- The Kafka headers each record is published with (type, version, correlation_id,
-- causation_id, source, traceparent), as a JSON object; computed when the row is written so
-- the relay never parses an envelope. Rows written before this migration carry none.
ALTER TABLE outbox ADD COLUMN headers json NOT NULL DEFAULT '{}';
