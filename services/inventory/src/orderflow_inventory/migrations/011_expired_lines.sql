-- A line given back by its reservation's expiry, as against a cancellation or a warehouse's
-- rejection: if the warehouse then works on its shipment after all, it is reserved again.
ALTER TABLE reservation_lines ADD COLUMN expired boolean NOT NULL DEFAULT false;
