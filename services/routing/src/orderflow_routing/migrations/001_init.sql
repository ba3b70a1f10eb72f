CREATE TABLE locations (
    location_id  text PRIMARY KEY,
    kind         text NOT NULL,
    country      text NOT NULL
);

CREATE TABLE rates (
    location_id       text NOT NULL REFERENCES locations (location_id),
    carrier           text NOT NULL,
    service           text NOT NULL,
    countries         text[] NOT NULL,
    max_weight_grams  int NOT NULL,
    base              numeric NOT NULL,
    per_kg            numeric NOT NULL,
    PRIMARY KEY (location_id, carrier, service)
);

CREATE TABLE products (
    sku           text PRIMARY KEY,
    weight_grams  int NOT NULL
);

-- Replica of inventory.levels: what routing believes is available, refreshed by events.
CREATE TABLE stock_replica (
    sku          text NOT NULL,
    location_id  text NOT NULL,
    available    int  NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sku, location_id)
);

CREATE TABLE orders (
    order_id     text PRIMARY KEY,
    accepted     jsonb NOT NULL,
    attempt      int  NOT NULL,
    status       text NOT NULL CHECK (status IN ('planned', 'reserved', 'unroutable')),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Every decision, explainable: the candidates considered and why the winner won.
CREATE TABLE decisions (
    order_id     text NOT NULL,
    attempt      int  NOT NULL,
    outcome      text NOT NULL,
    explanation  jsonb NOT NULL,
    decided_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, attempt)
);
