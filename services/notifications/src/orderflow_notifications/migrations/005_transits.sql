-- Each shipment's way to its customer, per lane (carrier and destination country): when it
-- left and when it arrived, as notifications heard it. The lane's p90 transit, against the
-- order's promised delivery, tells which shipments on their way will be late before they are.
ALTER TABLE contacts ADD COLUMN deliver_by timestamptz;

CREATE TABLE transits (
    shipment_id     text PRIMARY KEY,
    order_id        text NOT NULL,
    carrier         text NOT NULL,
    tracking_number text NOT NULL DEFAULT '',
    correlation_id  text NOT NULL DEFAULT '',
    shipped_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
CREATE INDEX transits_delivered ON transits (carrier, delivered_at) WHERE delivered_at IS NOT NULL;
CREATE INDEX transits_on_the_way ON transits (shipped_at) WHERE delivered_at IS NULL;
