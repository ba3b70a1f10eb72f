-- The marketplace's clock: when the order was placed and by when it must have shipped (both
-- from the plan; NULL for plans made before they were carried), and when it did ship.
ALTER TABLE shipments
    ADD COLUMN placed_at timestamptz,
    ADD COLUMN ship_by timestamptz,
    ADD COLUMN shipped_at timestamptz;
CREATE INDEX shipments_not_shipped_by ON shipments (ship_by)
    WHERE status IN ('pick_requested', 'picked', 'packed') AND ship_by IS NOT NULL;

-- Each escalation level (50, 80, 100 percent of the time to ship-by) is announced once.
CREATE TABLE ship_by_escalations (
    shipment_id  text NOT NULL REFERENCES shipments (shipment_id),
    level        int  NOT NULL,
    at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (shipment_id, level)
);
