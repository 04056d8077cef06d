-- A Kafka message is dead-lettered once, even when its batch is redelivered to another replica
-- after a failed DLQ produce (its source names topic, partition and offset). Webhook rows share
-- one source and are not constrained.
CREATE UNIQUE INDEX dead_letters_kafka_once ON dead_letters (source) WHERE source LIKE 'kafka:%';
