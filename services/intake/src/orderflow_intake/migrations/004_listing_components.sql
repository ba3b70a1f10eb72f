-- A channel SKU maps to one or more master SKUs with quantities: bundles and multi-packs.
CREATE TABLE listing_components (
    channel      text NOT NULL,
    channel_sku  text NOT NULL,
    sku          text NOT NULL,
    quantity     int  NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (channel, channel_sku, sku),
    FOREIGN KEY (channel, channel_sku) REFERENCES listings (channel, channel_sku) ON DELETE CASCADE
);
INSERT INTO listing_components (channel, channel_sku, sku, quantity)
    SELECT channel, channel_sku, sku, quantity FROM listings;
ALTER TABLE listings DROP COLUMN sku, DROP COLUMN quantity;
ALTER TABLE listings ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
-- Two channel SKUs that differ only in case or spaces would be ambiguous to match.
CREATE UNIQUE INDEX listings_unambiguous ON listings (channel, upper(btrim(channel_sku)));
