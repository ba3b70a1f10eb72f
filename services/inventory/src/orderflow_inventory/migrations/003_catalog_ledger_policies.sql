-- Reference data, loaded from the seller setup at start and extendable through the API.
CREATE TABLE products (
    sku                 text PRIMARY KEY,
    tier                text NOT NULL DEFAULT 'regular'
                        CHECK (tier IN ('best_seller', 'regular', 'seasonal', 'new')),
    lead_time_avg_days  real NOT NULL DEFAULT 14 CHECK (lead_time_avg_days > 0),
    lead_time_max_days  real NOT NULL DEFAULT 21 CHECK (lead_time_max_days > 0),
    created_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE locations (
    location_id  text PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('own', 'overseas', '3pl')),
    country      text NOT NULL,
    channels     text[] NOT NULL DEFAULT '{}'  -- empty: serves every channel
);

CREATE TABLE channel_policies (
    channel         text PRIMARY KEY,
    shortage        text NOT NULL DEFAULT 'reject' CHECK (shortage IN ('reject', 'partial', 'hold')),
    buffer_units    int  NOT NULL DEFAULT 0 CHECK (buffer_units >= 0),
    buffer_percent  real NOT NULL DEFAULT 0 CHECK (buffer_percent BETWEEN 0 AND 100)
);

-- The ledger states each movement's effect on both balances, so balances can be rebuilt.
ALTER TABLE movements DROP CONSTRAINT movements_kind_check;
ALTER TABLE movements ADD CONSTRAINT movements_kind_check CHECK (
    kind IN ('receipt', 'adjustment', 'count', 'reservation', 'release', 'expiry', 'commit'));
ALTER TABLE movements ADD COLUMN on_hand_delta int NOT NULL DEFAULT 0;
ALTER TABLE movements ADD COLUMN reserved_delta int NOT NULL DEFAULT 0;
ALTER TABLE movements ADD COLUMN reason text NOT NULL DEFAULT '';
UPDATE movements SET on_hand_delta = quantity WHERE kind = 'receipt';
UPDATE movements SET reserved_delta = quantity WHERE kind = 'reservation';
UPDATE movements SET reserved_delta = -quantity WHERE kind = 'release';
UPDATE movements SET on_hand_delta = quantity, reserved_delta = quantity WHERE kind = 'commit';
ALTER TABLE movements DROP COLUMN quantity;
-- A warehouse document applies once, however often it is delivered.
CREATE UNIQUE INDEX movements_document ON movements (kind, reference, sku, location_id)
    WHERE kind IN ('receipt', 'adjustment', 'count');

-- Reservations: confirmed once fulfillment turns them into pick tasks; expire otherwise.
ALTER TABLE reservations DROP CONSTRAINT reservations_status_check;
ALTER TABLE reservations ADD CONSTRAINT reservations_status_check CHECK (
    status IN ('reserved', 'confirmed', 'committed', 'released', 'expired', 'backordered'));
ALTER TABLE reservations ADD COLUMN channel text NOT NULL DEFAULT '';
ALTER TABLE reservations ADD COLUMN plan jsonb;
CREATE INDEX reservations_unconfirmed ON reservations (created_at) WHERE status = 'reserved';

-- Every reservation attempt's outcome, for the stock-out rate.
CREATE TABLE attempts (
    order_id  text NOT NULL,
    attempt   int  NOT NULL,
    outcome   text NOT NULL CHECK (outcome IN ('reserved', 'partial', 'rejected', 'held', 'backordered')),
    at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, attempt)
);

-- What a partial reservation could not take: reserved first when stock arrives.
CREATE TABLE backorders (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     text NOT NULL,
    shipment_id  text NOT NULL,
    sku          text NOT NULL,
    location_id  text NOT NULL,
    open         int  NOT NULL CHECK (open >= 0),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backorders_open ON backorders (sku, location_id, id) WHERE open > 0;

-- Cycle counts, for inventory accuracy.
CREATE TABLE counts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku          text NOT NULL,
    location_id  text NOT NULL,
    expected     int  NOT NULL,
    counted      int  NOT NULL,
    reference    text NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);

-- Warehouse stock events that could not be applied yet (unknown SKU or location, a count below
-- what is promised): kept with the reason, replayed when the cause is fixed.
CREATE TABLE held_stock_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_type   text NOT NULL,
    sku          text NOT NULL,
    location_id  text NOT NULL,
    payload      jsonb NOT NULL,
    event_id     uuid NOT NULL,
    reason       text NOT NULL,
    held_at      timestamptz NOT NULL DEFAULT now(),
    replayed_at  timestamptz
);
CREATE INDEX held_stock_events_open ON held_stock_events (sku, location_id) WHERE replayed_at IS NULL;

-- Units shipped per SKU per day: the demand replenishment plans from.
CREATE TABLE daily_sales (
    sku    text NOT NULL,
    day    date NOT NULL,
    units  int  NOT NULL,
    PRIMARY KEY (sku, day)
);

-- One alert per crossing: the state remembers which side of the line a SKU is on.
CREATE TABLE alert_state (
    sku           text PRIMARY KEY,
    below_reorder boolean NOT NULL DEFAULT false,
    slow_mover    boolean NOT NULL DEFAULT false
);

CREATE TABLE alerts (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku      text NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('reorder_point', 'slow_mover')),
    detail   jsonb NOT NULL,
    raised_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_sku ON alerts (sku, id);
