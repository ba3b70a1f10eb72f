-- A ship-by derived from the seller's handling time for a channel that sends none (Shopify),
-- not the marketplace's own: the ship-by clock watches it, and says so.
ALTER TABLE shipments ADD COLUMN ship_by_derived boolean NOT NULL DEFAULT false;
