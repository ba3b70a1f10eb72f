-- Channel payloads that arrive on marketplace.orders and no adapter can read are kept in the raw
-- store like a refused webhook body: where each raw payload came from.
ALTER TABLE raw_payloads
    ADD COLUMN source text NOT NULL DEFAULT 'webhook' CHECK (source IN ('webhook', 'topic'));
