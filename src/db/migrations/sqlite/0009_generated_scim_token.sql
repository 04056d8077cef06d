-- The SCIM bearer token lpprov generates on first start when SCIM_TOKENS is unset. Only its
-- SHA-256 digest is kept: the token itself is shown once, in the start banner, and never stored.
CREATE TABLE generated_scim_token (
  slot        INTEGER PRIMARY KEY CHECK (slot = 1),   -- one token at a time; rotation replaces it
  sha256_hex  TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);
