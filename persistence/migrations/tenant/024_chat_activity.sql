-- chat_activity: what every message changes on its chat, in a narrow table of its own (issue 17, cheaper
-- writes). Each message bumped its chats row (last_message, last_message_at, unread_count). That update was
-- never HOT: the inbox's activity index and the assignee index cover coalesce(last_message_at, started_at),
-- so every message wrote a new version of the wide chats row and a new entry into each of its indexes
-- (primary key, channel + platform chat id, activity, customer, and assignee once assigned), and the
-- foreign-key checks of the chat's next messages walked the dead versions until vacuum.
--
-- The per-message columns move here, with only the primary key and the activity index: a message now writes
-- a small row and two index entries, and chats is written only when people change it (status, assignee)
-- or a customer's message reopens it. started_at is copied (it never changes) so that the activity index,
-- by which the inbox and search page, lives on this table. Every chat has its row: the trigger below adds
-- it with the chat, whichever statement creates the chat. The assignee index keeps only user_id (the
-- "assigned to" lists and the auto-assignment cap); those lists walk the activity index and filter.
CREATE TABLE chat_activity (
    chat_id         uuid PRIMARY KEY REFERENCES chats (chat_id) ON DELETE CASCADE,
    started_at      timestamptz NOT NULL,
    last_message_at timestamptz,
    last_message    text,
    unread_count    integer NOT NULL DEFAULT 0
);
INSERT INTO chat_activity (chat_id, started_at, last_message_at, last_message, unread_count)
    SELECT chat_id, started_at, last_message_at, last_message, unread_count FROM chats;
CREATE INDEX chat_activity_idx ON chat_activity ((coalesce(last_message_at, started_at)) DESC, chat_id DESC);
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON chat_activity FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();

CREATE FUNCTION aezen_chat_activity_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chat_activity (chat_id, started_at) VALUES (NEW.chat_id, NEW.started_at);
    RETURN NULL;
END $$;
CREATE TRIGGER activity_row AFTER INSERT ON chats FOR EACH ROW EXECUTE FUNCTION aezen_chat_activity_row();

-- Dropping the columns drops chats_activity_idx and chats_assignee_idx with them.
ALTER TABLE chats DROP COLUMN last_message_at, DROP COLUMN last_message, DROP COLUMN unread_count;
CREATE INDEX chats_assignee_idx ON chats (user_id) WHERE user_id IS NOT NULL;
