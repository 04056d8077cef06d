-- People: desired state from HR/IdP input and the LastPass state lpprov has planned for them.
CREATE TABLE people (
  person_id       TEXT PRIMARY KEY,
  desired         TEXT NOT NULL,          -- JSON: desired account (core DesiredAccount)
  lastpass        TEXT,                   -- JSON: projected LastPass account after planned commands
  last_sequence   INTEGER,                -- newest per-person event sequence applied
  last_event_time INTEGER,                -- epoch ms of the newest event applied (when no sequence)
  next_outbox_seq INTEGER NOT NULL DEFAULT 1,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);

-- Inbox: every input seen, keyed by (source, id), so a replay is recognised and changes nothing.
CREATE TABLE inbox (
  source      TEXT NOT NULL,
  event_id    TEXT NOT NULL,
  person_id   TEXT,
  event_type  TEXT NOT NULL,
  outcome     TEXT NOT NULL,              -- applied | stale
  received_at INTEGER NOT NULL,
  PRIMARY KEY (source, event_id)
);

-- Outbox: planned LastPass commands, written in the transaction that planned them.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  person_id       TEXT NOT NULL,
  seq             INTEGER NOT NULL,       -- per-person order
  kind            TEXT NOT NULL,
  priority        INTEGER NOT NULL,       -- lower runs first: leavers, movers, joiners, the rest
  payload         TEXT NOT NULL,          -- JSON: core LastPassCommand
  idempotency_key TEXT NOT NULL UNIQUE,
  status          TEXT NOT NULL,          -- pending | in_flight | done | dead | cancelled
  attempts        INTEGER NOT NULL DEFAULT 0,
  not_before      INTEGER NOT NULL,       -- epoch ms: scheduled time or next retry
  lease_owner     TEXT,
  lease_until     INTEGER,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (person_id, seq)
);
CREATE INDEX outbox_due ON outbox (status, priority, not_before);
CREATE INDEX outbox_person ON outbox (person_id, seq);

-- Inputs that could not be accepted (invalid, undecodable), with the reason, never lost.
CREATE TABLE dead_letters (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  source      TEXT NOT NULL,              -- e.g. kafka:<topic>/<partition>/<offset>, webhook
  reason      TEXT NOT NULL,
  raw         TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
