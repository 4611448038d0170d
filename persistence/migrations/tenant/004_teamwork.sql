-- Teamwork: who sees what (tenant settings), assignment lookups, snoozing and internal notes.

-- One row of settings per tenant. agent_visibility: ALL (agents see every conversation) or
-- ASSIGNED_AND_UNASSIGNED (agents see only the conversations assigned to them and the unassigned ones).
CREATE TABLE tenant_settings (
    singleton        boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    agent_visibility text NOT NULL DEFAULT 'ALL' CHECK (agent_visibility IN ('ALL', 'ASSIGNED_AND_UNASSIGNED')),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
INSERT INTO tenant_settings DEFAULT VALUES;

-- A snoozed conversation is PENDING with snoozed_until; it is OPEN again when that passes or the customer writes.
ALTER TABLE chats ADD COLUMN snoozed_until timestamptz;
CREATE INDEX chats_assignee_idx ON chats (user_id, (coalesce(last_message_at, started_at)) DESC, chat_id DESC);
CREATE INDEX chats_snoozed_idx ON chats (snoozed_until) WHERE snoozed_until IS NOT NULL;

-- Internal notes are messages with sender type NOTE: never sent, never unread. The value cannot be used in
-- the transaction that adds it, and nothing here does.
ALTER TYPE message_sender_type ADD VALUE IF NOT EXISTS 'NOTE';
