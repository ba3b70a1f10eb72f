-- Who the buyer is, for probable duplicates: the e-mail, else the channel's own buyer id
-- ("shopee:395350931"), since Shopee and AliExpress share no e-mail.
ALTER TABLE orders ADD COLUMN customer_key text NOT NULL DEFAULT '';
UPDATE orders SET customer_key = customer_email;
CREATE INDEX orders_customer_key ON orders (customer_key, placed_at);

-- The last address the channel itself sent in an address change, kept apart from an operator's
-- correction (ship_to_override): a channel resending the address it sent before changes
-- nothing. NULL: the address of the order's own payload.
ALTER TABLE orders ADD COLUMN channel_ship_to jsonb;

-- One hold row per time a reason opens, so a reason that comes back keeps its earlier wait
-- in the time-in-queue KPI; at most one open row per order and reason.
ALTER TABLE holds DROP CONSTRAINT holds_pkey;
ALTER TABLE holds ADD COLUMN hold_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
CREATE UNIQUE INDEX holds_one_open ON holds (order_id, code) WHERE resolved_at IS NULL;
CREATE INDEX holds_order ON holds (order_id, held_at);
