-- Who changed what through inventory's API, and when: reference data (a product, a location, a
-- channel's policy) and held warehouse events applied again. The actor is the API key's
-- operator (or X-Actor where the API is open). One row per action, plus one per held event it
-- applied, so a SKU's or a location's trail shows every operator's hand on it.
CREATE TABLE operator_audit (
    audit_id    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    sku         text,
    location_id text,
    channel     text,
    at          timestamptz NOT NULL DEFAULT now(),
    detail      jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX operator_audit_sku ON operator_audit (sku, audit_id) WHERE sku IS NOT NULL;
CREATE INDEX operator_audit_location ON operator_audit (location_id, audit_id)
    WHERE location_id IS NOT NULL;
