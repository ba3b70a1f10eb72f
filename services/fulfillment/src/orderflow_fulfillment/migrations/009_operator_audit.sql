-- Who did what to a shipment through fulfillment's API, and when: a return started with its
-- refund reason, a return label given, a tracking upload sent again (corrected). The actor is
-- the API key's operator (or X-Actor where the API is open). Written in the action's own
-- transaction: an action refused or rolled back leaves no row.
CREATE TABLE operator_audit (
    audit_id    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    shipment_id text        NOT NULL,
    order_id    text        NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    detail      jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX operator_audit_shipment ON operator_audit (shipment_id, audit_id);
CREATE INDEX operator_audit_order ON operator_audit (order_id, audit_id);
