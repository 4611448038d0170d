-- tenant_leases: at most one active tenant actor in the cluster. An activation takes the lease (a new,
-- higher epoch) only when it is free: released by a passivation, or expired because its holder stopped
-- renewing it (killed). The epoch is also written into the tenant database's activation_fence, so that a
-- stale activation's writes are refused there (see tenant migration 009).
CREATE TABLE tenant_leases (
    tenant_id   uuid PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    holder      text NOT NULL,
    epoch       bigint NOT NULL,
    acquired_at timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);

-- tenant_activations records every lease taken and when it ended, so that operators (and the tests) can
-- see where a tenant ran and check that no two activations overlapped.
CREATE TABLE tenant_activations (
    tenant_id   uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    epoch       bigint NOT NULL,
    holder      text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    ended_at    timestamptz,
    PRIMARY KEY (tenant_id, epoch)
);
