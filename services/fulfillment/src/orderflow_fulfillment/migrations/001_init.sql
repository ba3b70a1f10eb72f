CREATE TABLE shipments (
    shipment_id      text PRIMARY KEY,
    order_id         text NOT NULL,
    channel          text NOT NULL,
    external_id      text NOT NULL,
    location_id      text NOT NULL,
    carrier          text NOT NULL,
    service          text NOT NULL,
    status           text NOT NULL,
    tracking_number  text UNIQUE,
    lines            jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shipments_order ON shipments (order_id);

CREATE TABLE shipment_history (
    shipment_id  text NOT NULL REFERENCES shipments (shipment_id),
    status       text NOT NULL,
    accepted     boolean NOT NULL,
    note         text NOT NULL DEFAULT '',
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shipment_history_shipment ON shipment_history (shipment_id);

-- Carrier events that arrived before the warehouse told us the tracking number.
CREATE TABLE early_tracking (
    tracking_number  text NOT NULL,
    status           text NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tracking_number, status)
);
