-- 003 back-filled every commit written before it as taking its units off reserved. Before 003 a
-- commit's `quantity` was the units shipped, negative (001's convention: on hand is rebuilt from
-- receipts and commits), and 003 copied it into both deltas: right for a reserved line, wrong for
-- a line released before its goods shipped anyway (002). That line's reservation had gone back
-- with its release, so the shipment took units off on hand only (the balances did so then too),
-- and the ledger replayed it to one reservation too few. Commits written since 003 already state
-- a reserved delta of 0 for such lines, so this touches only rows 003 set.
UPDATE movements m SET reserved_delta = 0
FROM reservation_lines l
WHERE m.kind = 'commit'
  AND m.reserved_delta <> 0
  AND l.released AND l.committed
  AND m.reference = l.shipment_id AND m.sku = l.sku AND m.location_id = l.location_id;
