-- Each refund a channel reports: one it names (Shopify refunds/create: refund_key is its id) or
-- a refund status (financial_status refunded, partially_refunded: refund_key 'status:<word>').
-- Told on (OrderRefunded) once, when its order is accepted: one that comes before its order, or
-- while the order is held, waits here (told_at NULL) with why in the order's audit trail.
CREATE TABLE refunds (
    channel      text NOT NULL,
    external_id  text NOT NULL,
    refund_key   text NOT NULL,
    refund_id    text NOT NULL DEFAULT '',
    partial      boolean,
    amount       numeric,
    currency     text NOT NULL DEFAULT '',
    status       text NOT NULL DEFAULT '',
    received_at  timestamptz NOT NULL DEFAULT now(),
    told_at      timestamptz,
    PRIMARY KEY (channel, external_id, refund_key)
);
