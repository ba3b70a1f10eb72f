-- The orders a customer's erasure named: an order's data that arrives after its erasure (this
-- service read the erasure before the order's own events) is erased by the next purge round.
-- Only ids: no personal data.
CREATE TABLE erased_orders (
    order_id    text PRIMARY KEY,
    erasure_id  text        NOT NULL,
    erased_at   timestamptz NOT NULL DEFAULT now()
);
