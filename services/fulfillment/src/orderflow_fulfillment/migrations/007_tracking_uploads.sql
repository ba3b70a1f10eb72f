-- The order's marketplace's own code for the shipment's carrier, from the plan ('' : none known).
ALTER TABLE shipments ADD COLUMN carrier_code text NOT NULL DEFAULT '';

-- Each shipment's tracking upload to its marketplace: held before sending when the marketplace
-- would refuse it (with why), sent, accepted, waiting to be retried, or refused for good.
CREATE TABLE tracking_uploads (
    shipment_id      text PRIMARY KEY REFERENCES shipments (shipment_id),
    channel          text NOT NULL,
    tracking_number  text NOT NULL,
    carrier_code     text NOT NULL DEFAULT '',
    status           text NOT NULL
                     CHECK (status IN ('held', 'sent', 'accepted', 'retrying', 'refused')),
    attempts         int  NOT NULL DEFAULT 0,
    reason           text NOT NULL DEFAULT '',
    next_attempt_at  timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracking_uploads_due ON tracking_uploads (next_attempt_at) WHERE status = 'retrying';

-- Every answer the marketplace gave, kept.
CREATE TABLE tracking_upload_answers (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shipment_id  text NOT NULL,
    attempt      int  NOT NULL,
    accepted     boolean NOT NULL,
    retryable    boolean NOT NULL,
    message      text NOT NULL DEFAULT '',
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracking_upload_answers_shipment ON tracking_upload_answers (shipment_id);
