-- Warehouse reports that match no shipment of ours: kept with the reason, for an operator.
CREATE TABLE refused_reports (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shipment_id      text NOT NULL,
    order_id         text NOT NULL,
    status           text NOT NULL,
    tracking_number  text NOT NULL DEFAULT '',
    reason           text NOT NULL,
    correlation_id   text NOT NULL DEFAULT '',
    received_at      timestamptz NOT NULL DEFAULT now()
);
