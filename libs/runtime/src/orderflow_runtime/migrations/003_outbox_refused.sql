-- A row the broker refuses for good (too large for it, say) is set aside with the reason instead
-- of being retried forever: before this, one such row stopped a service's relay for good.
ALTER TABLE outbox ADD COLUMN refused_at timestamptz, ADD COLUMN refusal text;
DROP INDEX outbox_unsent;
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL AND refused_at IS NULL;
CREATE INDEX outbox_refused ON outbox (id) WHERE refused_at IS NOT NULL;
