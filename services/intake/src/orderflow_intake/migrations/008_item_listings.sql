-- A channel line without a seller SKU (common on Shopee) is mapped by the channel's own id of
-- what it sells (Shopee "item_id:model_id") instead: one row per master SKU it ships.
CREATE TABLE item_listings (
    channel          text NOT NULL,
    channel_item_id  text NOT NULL CHECK (btrim(channel_item_id) <> ''),
    sku              text NOT NULL,
    quantity         int  NOT NULL CHECK (quantity > 0),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, channel_item_id, sku)
);
