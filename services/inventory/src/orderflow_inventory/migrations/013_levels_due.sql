-- The SKUs whose stock changed since their level was last published on the compacted
-- inventory.levels feed: every change marks its SKU, and the levels publisher sends each marked
-- SKU's latest level at most once an interval, so a busy SKU is one record a second, not one a
-- batch, and its last value is never lost (the mark commits with the change).
CREATE TABLE levels_due (
    sku text PRIMARY KEY
);
