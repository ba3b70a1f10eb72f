-- Products intake defines at run time (ProductDefined on catalog.products): what routing
-- weighs of a master SKU, over the reference data's own products. One row per SKU, the latest
-- definition by the event's time (`defined_at`); `revision` grows with every change, so each
-- instance sees when to rebuild its network.
CREATE SEQUENCE catalog_revision;

CREATE TABLE catalog_products (
    sku         text PRIMARY KEY,
    product     jsonb NOT NULL,
    event_id    uuid NOT NULL,
    defined_at  timestamptz NOT NULL,
    revision    bigint NOT NULL DEFAULT nextval('catalog_revision'),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
