-- tenant_timers holds, per tenant, the next moment the tenant has something to do without a request (the
-- end of a conversation's snooze). Nodes activate a tenant whose time has come (taking the row), and the
-- tenant records its next moment again, so that a snooze ends with its event across restarts and while the
-- tenant sleeps.
CREATE TABLE tenant_timers (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    due_at    timestamptz NOT NULL
);
CREATE INDEX tenant_timers_due_idx ON tenant_timers (due_at);
