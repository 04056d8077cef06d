-- The audit trail (lpprov audit). The correlation id follows one input into its commands, their
-- log lines and the API calls that carry them. decisions (JSON array of strings) says why the
-- planner did what it did, and event (JSON) is the canonical event as accepted after validation:
-- names and emails lpprov stores anyway, never a secret. Rows from before this migration keep
-- NULL in all three.
ALTER TABLE inbox ADD COLUMN correlation_id TEXT;
ALTER TABLE inbox ADD COLUMN decisions TEXT;
ALTER TABLE inbox ADD COLUMN event TEXT;
CREATE INDEX inbox_person ON inbox (person_id, received_at);
ALTER TABLE outbox ADD COLUMN correlation_id TEXT;

-- What became of each command, one row per outcome, written with the status change it records:
-- done, retry, released (the attempt was given back: throttled, paused, refused credentials,
-- stopping), dead, parked, cancelled, expired (the lease ran out), and operator actions
-- (operator_retry, operator_skip, operator_cancel, operator_approve, operator_reject).
-- attempt: the command's attempt number for dispatcher outcomes, NULL for the others.
-- owner: the dispatcher that held the lease, or the operator who acted.
-- duration_ms: from the claim to the outcome (rate-limit waits included).
CREATE TABLE command_attempts (
  id          INTEGER PRIMARY KEY,
  outbox_id   INTEGER NOT NULL,
  attempt     INTEGER,
  at          INTEGER NOT NULL,
  outcome     TEXT NOT NULL,
  detail      TEXT,
  duration_ms INTEGER,
  owner       TEXT
);
CREATE INDEX command_attempts_outbox ON command_attempts (outbox_id, id);
