-- Master SKUs an operator adds or changes over the API (PUT /products/{sku}), next to the
-- seller setup's: a listing may name them, and screening reads their attributes (restricted
-- goods). A SKU defined both here and in the setup takes this definition: the later word.
CREATE TABLE products (
    sku         text PRIMARY KEY CHECK (btrim(sku) <> ''),
    product     jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
