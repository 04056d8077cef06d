-- SCIM resources pushed by Okta / Entra ID. `resource` is the stored SCIM representation (JSON)
-- without id, meta and groups/members; the other columns are what filters, paging and the
-- uniqueness rules need. The *_lc columns hold values lower-cased by lpprov (JavaScript
-- toLowerCase, the same on both engines), so case-insensitive matching never depends on the
-- database's collation.
CREATE TABLE scim_users (
  id                TEXT PRIMARY KEY,        -- server-issued, case-sensitive
  user_name         TEXT NOT NULL,
  user_name_lc      TEXT NOT NULL UNIQUE,    -- RFC 7643: userName is unique and caseExact false
  external_id       TEXT,
  external_id_lc    TEXT,                    -- not unique: IdPs and test suites reuse it
  display_name_lc   TEXT,
  given_name_lc     TEXT,
  family_name_lc    TEXT,
  formatted_name_lc TEXT,
  active            INTEGER NOT NULL,        -- 1 or 0
  resource          TEXT NOT NULL,           -- JSON
  created           INTEGER NOT NULL,        -- epoch ms
  last_modified     INTEGER NOT NULL,        -- epoch ms
  version           INTEGER NOT NULL         -- bumped on every write (ETag, optimistic concurrency)
);
-- Paging order: (created, id) is stable across pages.
CREATE INDEX scim_users_page ON scim_users (created, id);
CREATE INDEX scim_users_external_id ON scim_users (external_id_lc);

-- A user's emails, one row each, for `emails.value` / `emails[type eq "work"].value` filters.
CREATE TABLE scim_user_emails (
  user_id    TEXT NOT NULL REFERENCES scim_users (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  value_lc   TEXT NOT NULL,
  type_lc    TEXT,
  is_primary INTEGER NOT NULL,
  PRIMARY KEY (user_id, position)
);
CREATE INDEX scim_user_emails_value ON scim_user_emails (value_lc);

CREATE TABLE scim_groups (
  id              TEXT PRIMARY KEY,
  display_name    TEXT NOT NULL,
  display_name_lc TEXT NOT NULL UNIQUE,      -- Entra matches groups on displayName
  external_id     TEXT,
  external_id_lc  TEXT,
  resource        TEXT NOT NULL,             -- JSON, without members
  created         INTEGER NOT NULL,
  last_modified   INTEGER NOT NULL,
  version         INTEGER NOT NULL
);
CREATE INDEX scim_groups_page ON scim_groups (created, id);
CREATE INDEX scim_groups_external_id ON scim_groups (external_id_lc);

-- Group membership; `position` keeps the order members were added in.
CREATE TABLE scim_group_members (
  group_id TEXT NOT NULL REFERENCES scim_groups (id) ON DELETE CASCADE,
  user_id  TEXT NOT NULL REFERENCES scim_users (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX scim_group_members_user ON scim_group_members (user_id);
CREATE INDEX scim_group_members_order ON scim_group_members (group_id, position);
