-- Commands an operator let past the mass-change breaker; they do not count towards it again.
ALTER TABLE outbox ADD COLUMN approved INTEGER NOT NULL DEFAULT 0;
-- When the command was last handed to a dispatcher (the breaker counts recent destructive ones).
ALTER TABLE outbox ADD COLUMN claimed_at INTEGER;
-- Why a command was cancelled, skipped or parked, and by whom.
ALTER TABLE outbox ADD COLUMN resolution TEXT;
CREATE INDEX outbox_claimed ON outbox (kind, claimed_at);

-- Per LastPass account: dispatch pauses (throttling, refused credentials), the mass-change
-- breaker and the shared rate-limit bucket. One row per account, shared by every replica.
CREATE TABLE dispatch_accounts (
  account           TEXT PRIMARY KEY,
  paused_until      INTEGER NOT NULL DEFAULT 0,
  pause_reason      TEXT,
  auth_failures     INTEGER NOT NULL DEFAULT 0,
  breaker_state     TEXT NOT NULL DEFAULT 'closed',   -- closed | open
  breaker_opened_at INTEGER,
  breaker_reason    TEXT,
  tokens            REAL,
  tokens_at         INTEGER,
  updated_at        INTEGER NOT NULL
);
