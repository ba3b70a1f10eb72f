CREATE TABLE stock (
    sku          text NOT NULL,
    location_id  text NOT NULL,
    on_hand      int  NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved     int  NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sku, location_id),
    -- The last line of defence against overselling: the database refuses it.
    CONSTRAINT never_oversold CHECK (reserved <= on_hand)
);

CREATE TABLE reservations (
    order_id     text PRIMARY KEY,
    attempt      int  NOT NULL,
    status       text NOT NULL CHECK (status IN ('reserved', 'committed', 'released')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reservation_lines (
    order_id     text NOT NULL REFERENCES reservations (order_id),
    shipment_id  text NOT NULL,
    sku          text NOT NULL,
    location_id  text NOT NULL,
    quantity     int  NOT NULL CHECK (quantity > 0),
    committed    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (shipment_id, sku)
);
CREATE INDEX reservation_lines_order ON reservation_lines (order_id);

-- Append-only: on hand can be rebuilt from receipts and commits.
CREATE TABLE movements (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku          text NOT NULL,
    location_id  text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('receipt', 'reservation', 'release', 'commit')),
    quantity     int  NOT NULL,
    reference    text NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX movements_sku ON movements (sku, location_id);
