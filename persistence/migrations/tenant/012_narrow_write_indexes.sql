-- Cheaper inbound writes (issue 17, item 1): two indexes that every inbound message paid for without any
-- query reading what it added.
--
-- Only messages an agent sends with an Idempotency-Key carry idempotency_key, yet the column's UNIQUE
-- constraint indexed every row: every inbound message added a NULL entry (a btree descent and a WAL
-- record). A partial unique index keeps the guarantee for every key that exists (sqlInsertOutbound's
-- ON CONFLICT names its predicate) and leaves inbound messages out.
CREATE UNIQUE INDEX messages_idempotency_key_idx ON messages (idempotency_key) WHERE idempotency_key IS NOT NULL;
ALTER TABLE messages DROP CONSTRAINT messages_idempotency_key_key;

-- Every message updates its chat (last message, unread count), and since that changes last_message_at the
-- update is never HOT: it adds an entry to every index of chats. chats_assignee_idx serves "assigned to
-- this agent" lists (user_id = $n); an unassigned chat's entry served nothing (the unassigned list is the
-- activity index filtered), so the index now leaves unassigned chats out: their messages (most inbound
-- traffic, before anyone takes the chat) write one index entry fewer.
DROP INDEX chats_assignee_idx;
CREATE INDEX chats_assignee_idx ON chats (user_id, (coalesce(last_message_at, started_at)) DESC, chat_id DESC) WHERE user_id IS NOT NULL;
