-- The seller's choices, one row: whose buyers hear 'confirmed' (marketplaces confirm orders
-- to their buyers themselves, so none by default) and quiet hours, local to each customer.
CREATE TABLE seller_preferences (
    only_row         boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    confirm_channels text[] NOT NULL DEFAULT '{}',
    quiet_from       smallint CHECK (quiet_from BETWEEN 0 AND 23),
    quiet_until      smallint CHECK (quiet_until BETWEEN 0 AND 23),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       text NOT NULL DEFAULT 'default'
);
INSERT INTO seller_preferences DEFAULT VALUES;

-- A customer's own, by e-mail (lower case): they win over the seller's.
CREATE TABLE customer_preferences (
    email        text PRIMARY KEY,
    opted_out    boolean NOT NULL DEFAULT false,
    kinds_off    text[] NOT NULL DEFAULT '{}',
    time_zone    text,
    quiet_from   smallint CHECK (quiet_from BETWEEN 0 AND 23),
    quiet_until  smallint CHECK (quiet_until BETWEEN 0 AND 23),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL
);

-- The destination, for the customer's time zone.
ALTER TABLE contacts ADD COLUMN country text NOT NULL DEFAULT '';

ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (
    status IN (
        'awaiting_contact', 'pending', 'sending', 'sent', 'failed', 'unconfirmed', 'unreachable',
        'suppressed'
    )
);
