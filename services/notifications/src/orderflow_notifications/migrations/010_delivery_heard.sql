-- When notifications heard each delivery: a carrier's 'delivered' reaches us some time after the
-- parcel arrived (the carrier's scan upload, fulfillment's batched reads of the carrier's news,
-- a backlog). A parcel is not counted as gone quiet before its lane's news usually comes.
ALTER TABLE transits ADD COLUMN delivery_heard_at timestamptz;
