CREATE TABLE listings (
    channel      text NOT NULL,
    channel_sku  text NOT NULL,
    sku          text NOT NULL,
    quantity     int  NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (channel, channel_sku)
);

CREATE TABLE orders (
    order_id        text PRIMARY KEY,
    channel         text NOT NULL,
    external_id     text NOT NULL,
    status          text NOT NULL CHECK (status IN ('accepted', 'held')),
    correlation_id  text NOT NULL,
    canonical       jsonb NOT NULL,
    raw_payload     jsonb NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, external_id)
);

-- The exception queue: one row per open or closed reason an order is held for.
CREATE TABLE holds (
    order_id     text NOT NULL REFERENCES orders (order_id),
    code         text NOT NULL,
    detail       text NOT NULL,
    held_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz,
    PRIMARY KEY (order_id, code)
);
CREATE INDEX holds_open ON holds (code) WHERE resolved_at IS NULL;
