-- A return: the buyer's (or the seller's) reason, the refund reason kept with the shipment, and
-- the return label's tracking number, on which the carrier reports the parcel coming back.
ALTER TABLE shipments
    ADD COLUMN return_reason text NOT NULL DEFAULT '',
    ADD COLUMN return_tracking_number text UNIQUE,
    -- When the carrier's latest applied news happened: older news arriving later is kept, not applied.
    ADD COLUMN carrier_news_at timestamptz;

-- Which location sent a refused report, when it said.
ALTER TABLE refused_reports ADD COLUMN location_id text NOT NULL DEFAULT '';
