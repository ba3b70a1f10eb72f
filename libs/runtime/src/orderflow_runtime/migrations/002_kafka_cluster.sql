-- The Kafka cluster this service's relay last published to. When the broker answers with
-- another cluster id (rebuilt without its data, or swapped), every outbox row still kept is
-- published again: consumers' inboxes drop what they had already handled.
CREATE TABLE kafka_cluster (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    cluster_id  text        NOT NULL,
    seen_at     timestamptz NOT NULL DEFAULT now()
);
