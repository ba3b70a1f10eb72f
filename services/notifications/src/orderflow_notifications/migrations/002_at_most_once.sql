-- A notification is marked 'sending' in a committed transaction before its mail goes out, and
-- 'sent' (or back to 'pending' after a failure the mail server reported) once it has. One left
-- 'sending' longer than the lease (its sender died between the two) is not sent again: it
-- becomes 'unconfirmed', with a line in the delivery log, for an operator to check. So a
-- customer gets each message at most once, and none is dropped without a trace.
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (
    status IN ('awaiting_contact', 'pending', 'sending', 'sent', 'failed', 'unconfirmed')
);
ALTER TABLE notifications ADD COLUMN sending_since timestamptz;
CREATE INDEX notifications_sending ON notifications (sending_since) WHERE status = 'sending';
