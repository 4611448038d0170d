-- Master schema: the phonebook of tenants and the users who sign in to them.
CREATE TYPE user_role AS ENUM ('OWNER', 'ADMIN', 'AGENT');
CREATE TYPE login_provider AS ENUM ('EMAIL', 'GOOGLE', 'FACEBOOK');

CREATE TABLE tenants (
    tenant_id     uuid PRIMARY KEY,
    name          text NOT NULL,
    database_name text NOT NULL UNIQUE,
    status        text NOT NULL DEFAULT 'PROVISIONING' CHECK (status IN ('PROVISIONING', 'ACTIVE', 'SUSPENDED')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    user_id             uuid PRIMARY KEY,
    tenant_id           uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    email               text NOT NULL,
    hashed_password     text,
    full_name           text,
    role                user_role NOT NULL,
    login_provider      login_provider NOT NULL DEFAULT 'EMAIL',
    provider_account_id text,
    business_name       text,
    avatar_url          text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_tenant_idx ON users (tenant_id, created_at, user_id);

-- channel_routes maps a channel id to its tenant, so that signed inbound calls that carry no token can be
-- routed to the right tenant.
CREATE TABLE channel_routes (
    channel_id uuid PRIMARY KEY,
    tenant_id  uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE
);

-- tenant_wakeups lists tenants that must be active even without requests: unsent messages, connected
-- channel sessions. Every node activates them at start and periodically, so work resumes after a restart
-- or on a survivor after a node is lost.
CREATE TABLE tenant_wakeups (
    tenant_id  uuid PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    reason     text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
