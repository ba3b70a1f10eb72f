-- When an order's buyer data (the accepted order's customer and address lines) was erased, by
-- a customer's erasure or by the retention purge: erased rows are not looked at again.
ALTER TABLE orders ADD COLUMN pii_erased_at timestamptz;
CREATE INDEX orders_pii_due ON orders (updated_at)
    WHERE pii_erased_at IS NULL AND status IN ('reserved', 'unroutable');
