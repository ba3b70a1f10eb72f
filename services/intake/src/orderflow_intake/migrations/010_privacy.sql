-- A customer's erasure, asked by an operator: intake erases its own rows in the request's
-- transaction and announces it on privacy.erasures; each service that keeps buyer data answers
-- with what it erased (erasure_progress), so the request shows when it is complete.
CREATE TABLE erasures (
    erasure_id    uuid PRIMARY KEY,
    email_digest  text        NOT NULL,
    actor         text        NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    order_ids     text[]      NOT NULL
);
CREATE TABLE erasure_progress (
    erasure_id  uuid        NOT NULL REFERENCES erasures (erasure_id),
    service     text        NOT NULL,
    counts      jsonb       NOT NULL,
    erased_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (erasure_id, service)
);

-- When an order's (or a raw payload's) personal data was erased, by an erasure or by the
-- retention purge: erased rows are never looked at again.
ALTER TABLE orders ADD COLUMN pii_erased_at timestamptz;
ALTER TABLE raw_payloads ADD COLUMN pii_erased_at timestamptz;
CREATE INDEX orders_pii_due ON orders (coalesce(shipped_at, cancelled_at))
    WHERE pii_erased_at IS NULL AND status IN ('shipped', 'cancelled');
CREATE INDEX raw_payloads_pii_due ON raw_payloads (received_at) WHERE pii_erased_at IS NULL;
