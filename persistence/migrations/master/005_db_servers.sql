-- Tenants across several PostgreSQL servers. db_servers names every server that ever held a tenant
-- database; the URLs stay in each node's configuration (AEZEN_DB_SERVERS, DATABASE_URL for "default"), so
-- no credential is stored here. tenants.server is where the tenant's database lives now.
CREATE TABLE db_servers (
    name     text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_-]{0,31}$'),
    added_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO db_servers (name) VALUES ('default');

ALTER TABLE tenants ADD COLUMN server text NOT NULL DEFAULT 'default' REFERENCES db_servers (name);
CREATE INDEX tenants_server ON tenants (server);

-- tenant_moves is a move under way (aezen tenant move): while a row is unexpired, the tenant's lease is
-- given to no one but the move's holder, and members stop the tenant at their next lease renewal. A move
-- that dies leaves a row that expires by itself; the tenant then stays where it was.
CREATE TABLE tenant_moves (
    tenant_id  uuid PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    target     text NOT NULL REFERENCES db_servers (name),
    holder     text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
