-- Every webhook body exactly as it arrived, accepted or not: nothing a marketplace sent is lost,
-- and a body an adapter could not read can be parsed again once the adapter is fixed.
CREATE TABLE raw_payloads (
    payload_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel      text        NOT NULL,
    external_id  text,
    received_at  timestamptz NOT NULL DEFAULT now(),
    body         bytea       NOT NULL,
    headers      jsonb       NOT NULL,
    status       text        NOT NULL CHECK (status IN ('accepted', 'rejected', 'failed')),
    error        text
);
CREATE INDEX raw_payloads_order ON raw_payloads (channel, external_id);
CREATE INDEX raw_payloads_status ON raw_payloads (status, received_at);

-- What the canonical order is rebuilt from on every re-screen: the raw payload plus the
-- changes that arrived since (address, payment) and the operator's decisions (waived codes).
ALTER TABLE orders
    ADD COLUMN customer_email   text NOT NULL DEFAULT '',
    ADD COLUMN placed_at        timestamptz,
    ADD COLUMN ship_to_override jsonb,
    ADD COLUMN payment_captured boolean,
    ADD COLUMN waived           text[] NOT NULL DEFAULT '{}',
    ADD COLUMN accepted_at      timestamptz,
    ADD COLUMN shipped_at       timestamptz,
    ADD COLUMN cancelled_at     timestamptz,
    ADD COLUMN cancel_reason    text NOT NULL DEFAULT '';
UPDATE orders SET
    customer_email = lower(coalesce(canonical -> 'customer' ->> 'email', '')),
    placed_at = (canonical ->> 'placed_at')::timestamptz,
    accepted_at = CASE WHEN status = 'accepted' THEN updated_at END,
    cancelled_at = CASE WHEN status = 'cancelled' THEN updated_at END;
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('accepted', 'held', 'cancelled', 'shipped'));
CREATE INDEX orders_customer ON orders (customer_email, placed_at);
CREATE INDEX orders_received ON orders (received_at);
CREATE INDEX orders_status ON orders (status, received_at);

-- Marketplace updates for orders intake has not seen yet, applied when the order arrives.
CREATE TABLE parked_updates (
    update_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel      text        NOT NULL,
    external_id  text        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('cancel', 'address', 'payment')),
    payload      jsonb       NOT NULL,
    parked_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX parked_updates_order ON parked_updates (channel, external_id, update_id);

-- Who did what to which order (or listing), and when.
CREATE TABLE audit (
    audit_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject   text        NOT NULL,
    action    text        NOT NULL,
    actor     text        NOT NULL,
    at        timestamptz NOT NULL DEFAULT now(),
    detail    jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_subject ON audit (subject, audit_id);
