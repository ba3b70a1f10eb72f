-- A 'shipped' message gives the days its parcel is expected (its lane's p50 and p90 transit
-- after it left, where the lane has enough deliveries), and a 'delivered' one where to return
-- an item, where the seller gave a return portal for the order's sales channel.
ALTER TABLE notifications ADD COLUMN eta_first timestamptz, ADD COLUMN eta_last timestamptz;
-- By sales channel ('*': any other), a URL template with $order_id, $external_id, $sales_channel.
ALTER TABLE seller_preferences ADD COLUMN return_urls jsonb NOT NULL DEFAULT '{}';
