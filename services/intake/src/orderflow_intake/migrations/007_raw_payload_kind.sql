-- A channel's webhook endpoint takes its update notifications (Amazon ORDER_CHANGE, Shopee and
-- TikTok Shop order status, AliExpress order messages) as well as its orders: which one a raw
-- payload is.
ALTER TABLE raw_payloads
    ADD COLUMN kind text NOT NULL DEFAULT 'order' CHECK (kind IN ('order', 'update'));
