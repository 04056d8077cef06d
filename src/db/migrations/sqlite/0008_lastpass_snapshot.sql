-- The last complete getuserdata reconciliation read: planning adopts an account LastPass already
-- has (by username) instead of inviting it again.
CREATE TABLE lastpass_snapshot (
  username  TEXT PRIMARY KEY,             -- lower-case
  account   TEXT NOT NULL,                -- JSON: core DirectoryUser
  taken_at  INTEGER NOT NULL
);

-- Whose turn it is to reconcile on RECONCILE_INTERVAL: one run at a time across replicas, and one
-- run per interval. A crashed run's lease simply runs out.
CREATE TABLE reconcile_schedule (
  name            TEXT PRIMARY KEY,
  lease_owner     TEXT,
  lease_until     INTEGER NOT NULL DEFAULT 0,
  last_started_at INTEGER NOT NULL DEFAULT 0
);
INSERT INTO reconcile_schedule (name) VALUES ('reconcile');
