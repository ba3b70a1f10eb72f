-- Goods that shipped beyond what the books had free (a line released before its goods shipped
-- anyway, at a location a count emptied or other orders hold since): the shipment is committed
-- and the units the books could not give stay on hand as a 'discrepancy' movement with the
-- reason, for an operator to settle with a count (GET /discrepancies).
ALTER TABLE movements DROP CONSTRAINT movements_kind_check;
ALTER TABLE movements ADD CONSTRAINT movements_kind_check CHECK (
    kind IN ('receipt', 'adjustment', 'count', 'reservation', 'release', 'expiry', 'commit',
             'discrepancy'));
CREATE INDEX movements_discrepancies ON movements (id) WHERE kind = 'discrepancy';
