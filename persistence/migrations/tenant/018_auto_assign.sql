-- Automatic assignment (issue 16): when on, a new conversation (or an unassigned one a customer writes in)
-- goes to the next online agent in round robin whose open (OPEN or PENDING) conversations are fewer than
-- auto_assign_max_open. See actors/tenant/autoassign.go.
ALTER TABLE tenant_settings
    ADD COLUMN auto_assign_enabled  boolean NOT NULL DEFAULT false,
    ADD COLUMN auto_assign_max_open integer NOT NULL DEFAULT 10 CHECK (auto_assign_max_open BETWEEN 1 AND 1000);

-- The cap counts open conversations per assignee through chats_assignee_idx (004); no index of its own,
-- which every message's chat update would have to maintain.
