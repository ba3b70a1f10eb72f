-- A customer whose e-mail the marketplace hides (Shopee, AliExpress) is told through the
-- seller's signed webhook instead; one that neither channel reaches is 'unreachable', with its
-- reason in the delivery log, and never retried.
ALTER TABLE notifications ADD COLUMN channel text NOT NULL DEFAULT '';
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (
    status IN (
        'awaiting_contact', 'pending', 'sending', 'sent', 'failed', 'unconfirmed', 'unreachable'
    )
);
-- What a buyer-message API needs to find the buyer: the marketplace and its order number.
ALTER TABLE contacts ADD COLUMN sales_channel text NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN external_id text NOT NULL DEFAULT '';
