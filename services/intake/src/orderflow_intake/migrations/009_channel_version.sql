-- The channel's version of the order (its update time) that intake applied last: an address or
-- payment update older than it is recorded in the order's audit and ignored. NULL: the version
-- of the order's own payload (raw_payload), or none where the channel tells none.
ALTER TABLE orders ADD COLUMN channel_version timestamptz;
