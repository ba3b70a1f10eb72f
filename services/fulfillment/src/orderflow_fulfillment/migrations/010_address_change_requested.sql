-- A new address sent to the warehouse waits for its answer (the warehouse's address_changed):
-- a shipment that ships before it went to the old address, and the order is told so.
ALTER TABLE shipments ADD COLUMN address_change_requested_at timestamptz;
