-- The LastPass username each person's account has (or will have): SCIM and HR inputs that name
-- the same account meet here, and the policy's authority decides between them.
ALTER TABLE people ADD COLUMN username TEXT;
CREATE INDEX people_username ON people (username);
