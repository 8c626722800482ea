-- Dead letters of the PACS outbox (org.glean.pacs): a delivery that failed
-- glean.pacs.outbox.max-attempts times goes to FAILED, keeps its last error and its document's
-- bytes, and is no longer tried until an administrator queues it again (Outbox.RetryDelivery).
ALTER TABLE pacs_outbox_delivery DROP CONSTRAINT pacs_outbox_delivery_state_check;
ALTER TABLE pacs_outbox_delivery ADD CONSTRAINT pacs_outbox_delivery_state_check
    CHECK (state IN ('PENDING', 'RETRYING', 'DELIVERED', 'FAILED'));

-- The worker's question is now over the deliveries still tried.
DROP INDEX pacs_outbox_delivery_due;
CREATE INDEX pacs_outbox_delivery_due ON pacs_outbox_delivery (destination, next_attempt_at)
    WHERE state IN ('PENDING', 'RETRYING');
