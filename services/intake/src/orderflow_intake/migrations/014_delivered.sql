-- An order is delivered when every parcel of it still on its way (not cancelled nor rejected,
-- whose lines were re-planned as other shipments) has been delivered; one delivered parcel of
-- a split order leaves it shipped. Intake keeps each shipment's latest news from fulfillment
-- to tell.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('accepted', 'held', 'cancelled', 'shipped', 'delivered'));
ALTER TABLE orders ADD COLUMN delivered_at timestamptz;

CREATE TABLE order_shipments (
    shipment_id   text PRIMARY KEY,
    order_id      text NOT NULL,
    status        text NOT NULL,
    delivered_at  timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_shipments_order ON order_shipments (order_id);

-- A delivered order's buyer data is purged like a shipped one's.
DROP INDEX orders_pii_due;
CREATE INDEX orders_pii_due ON orders (coalesce(shipped_at, cancelled_at))
    WHERE pii_erased_at IS NULL AND status IN ('shipped', 'delivered', 'cancelled');
