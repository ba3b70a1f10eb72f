-- A shipment a 3PL accepted has not shipped either: the ship-by clock watches it too.
DROP INDEX shipments_not_shipped_by;
CREATE INDEX shipments_not_shipped_by ON shipments (ship_by)
    WHERE status IN ('pick_requested', 'accepted', 'picked', 'packed') AND ship_by IS NOT NULL;
