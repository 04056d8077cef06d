-- Input dead letters become something operators act on (lpprov dead-letters): resolved_at is
-- when one was retried or discarded (NULL while it is open) and resolution says how and by whom.
ALTER TABLE dead_letters ADD COLUMN resolved_at INTEGER;
ALTER TABLE dead_letters ADD COLUMN resolution TEXT;

-- An identity provider sends a refused SCIM change again (Entra on every provisioning cycle, Okta
-- when its tasks are retried) until its administrator fixes the user: one open row per refusal,
-- not one per attempt. Rows stored before this migration may repeat one: the oldest stays open
-- and the others are closed first, or the unique index would fail to build.
UPDATE dead_letters SET resolved_at = created_at, resolution = 'repeated: the same SCIM refusal is open as an older dead letter'
WHERE source LIKE 'scim:%' AND EXISTS (
  SELECT 1 FROM dead_letters older
  WHERE older.source = dead_letters.source AND older.reason = dead_letters.reason AND older.id < dead_letters.id
);
CREATE UNIQUE INDEX dead_letters_scim_open ON dead_letters (source, reason) WHERE source LIKE 'scim:%' AND resolved_at IS NULL;

-- Open ones are what lpprov dead-letters list, outbox status and /metrics read; resolved ones
-- only pile up.
CREATE INDEX dead_letters_open ON dead_letters (created_at) WHERE resolved_at IS NULL;
