-- token_version is written into every token a user gets; changing the password (or an operator revoking
-- the user's sessions) increments it, and a token with another version is refused.
ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 1;
