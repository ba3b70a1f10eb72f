-- Only what telling a customer needs.
CREATE TABLE contacts (
    order_id     text PRIMARY KEY,
    name         text NOT NULL,
    email        text NOT NULL,
    language     text NOT NULL
);

CREATE TABLE notifications (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id      text NOT NULL,
    shipment_id   text NOT NULL,
    kind          text NOT NULL,
    tracking_number text NOT NULL DEFAULT '',
    correlation_id text NOT NULL DEFAULT '',
    carrier       text NOT NULL DEFAULT '',
    status        text NOT NULL CHECK (status IN ('awaiting_contact', 'pending', 'sent', 'failed')),
    attempts      int  NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    recipient     text NOT NULL DEFAULT '',
    language      text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    -- Once per shipment and kind, whichever event id the news arrived under.
    UNIQUE (shipment_id, kind)
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';

CREATE TABLE delivery_log (
    notification_id  bigint NOT NULL REFERENCES notifications (id),
    attempt          int NOT NULL,
    outcome          text NOT NULL,
    detail           text NOT NULL DEFAULT '',
    at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (notification_id, attempt)
);
