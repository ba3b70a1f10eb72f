-- A released line is kept: if its goods ship anyway (the pick task was not stopped in time),
-- the shipment must still take them off on hand.
ALTER TABLE reservation_lines ADD COLUMN released boolean NOT NULL DEFAULT false;
