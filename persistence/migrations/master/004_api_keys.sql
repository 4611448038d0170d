-- api_keys: long-lived credentials for integrations. A key acts as the user who created it, with the key's
-- role (never more than that user's current role). Only a SHA-256 of the key is stored: the key itself is
-- shown once, at creation. Keys live in the master database, next to users, because every request must map
-- a key to its tenant before it knows which tenant database to use. Removing the creator removes their keys.
CREATE TABLE api_keys (
    key_id       uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    created_by   uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    name         text NOT NULL,
    role         user_role NOT NULL,
    prefix       text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at, key_id);
