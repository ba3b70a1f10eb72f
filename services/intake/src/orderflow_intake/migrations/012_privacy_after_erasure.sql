-- An erased order the channel sends again (a resend, a newer version, an address change) holds
-- the buyer's data again: the purge erases an order changed after its erasure, found here.
CREATE INDEX orders_changed_after_erasure ON orders (order_id)
    WHERE pii_erased_at IS NOT NULL AND updated_at > pii_erased_at;
