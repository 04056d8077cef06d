-- Where each person is in their life at the company (core Lifecycle, JSON).
ALTER TABLE people ADD COLUMN lifecycle TEXT;
-- What a scheduled command requires when it fires (core Precondition, JSON); NULL: nothing.
ALTER TABLE outbox ADD COLUMN precondition TEXT;
