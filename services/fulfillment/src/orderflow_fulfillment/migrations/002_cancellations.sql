-- Orders the marketplace cancelled: no pick task is issued for them from then on (the
-- cancellation can overtake the reservation), and a shipment that leaves anyway is flagged.
CREATE TABLE cancelled_orders (
    order_id      text PRIMARY KEY,
    reason        text NOT NULL DEFAULT '',
    cancelled_at  timestamptz NOT NULL DEFAULT now()
);

-- When fulfillment asked the warehouse to stop the shipment; NULL: never asked.
ALTER TABLE shipments ADD COLUMN cancel_requested_at timestamptz;
