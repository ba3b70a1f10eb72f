-- A reservation's TTL counts from when its units were reserved, not from when the order first
-- asked: a backorder filled days later must get its whole TTL before it can expire.
ALTER TABLE reservations ADD COLUMN reserved_at timestamptz;
UPDATE reservations SET reserved_at = updated_at WHERE status IN ('reserved', 'confirmed');
DROP INDEX reservations_unconfirmed;
CREATE INDEX reservations_unconfirmed ON reservations (reserved_at) WHERE status = 'reserved';
