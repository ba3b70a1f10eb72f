-- When a reservation's plan lost the buyer's address lines, by a customer's erasure or by the
-- retention purge: erased rows are not looked at again.
ALTER TABLE reservations ADD COLUMN pii_erased_at timestamptz;
CREATE INDEX reservations_pii_due ON reservations (updated_at)
    WHERE pii_erased_at IS NULL AND plan IS NOT NULL
    AND status IN ('committed', 'released', 'expired');
