-- A refund the channel names is told once per refund (its subject '<order>:refund:<id>'), with
-- what it gave back.
ALTER TABLE notifications ADD COLUMN amount numeric, ADD COLUMN currency text NOT NULL DEFAULT '';

-- An unsubscribe outlives the erasure of the customer's data: no address here, only a keyed
-- hash of it (HMAC-SHA256 under NOTIFICATIONS_UNSUBSCRIBE_SECRET), checked before each send.
CREATE TABLE suppressions (
    email_key  text PRIMARY KEY,
    kinds      text[] NOT NULL,
    since      timestamptz NOT NULL DEFAULT now()
);

-- Whether an order's parcels left, for how its cancellation is worded.
CREATE INDEX transits_order ON transits (order_id);

-- An order's notifications (refunds told one by one, the delivery log per order).
CREATE INDEX notifications_order ON notifications (order_id);
