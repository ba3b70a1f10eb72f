-- A customer's own opt-out, from the link every message carries: the order's contact records
-- when (a buyer whose e-mail the marketplace hides is known by this order only); a customer
-- with an e-mail also gets the optional kinds in their preferences, for their other orders.
ALTER TABLE contacts ADD COLUMN unsubscribed_at timestamptz;

-- 'backordered' is the order's news, once per order: keyed by the order from now on (it was
-- keyed by the order's first waiting shipment, so a re-planned order could hear it twice).
UPDATE notifications n SET shipment_id = n.order_id
WHERE n.kind = 'backordered' AND n.shipment_id <> n.order_id
  AND n.id IN (SELECT min(id) FROM notifications WHERE kind = 'backordered' GROUP BY order_id)
  AND NOT EXISTS (
      SELECT 1 FROM notifications o WHERE o.kind = 'backordered' AND o.shipment_id = n.order_id
  );
