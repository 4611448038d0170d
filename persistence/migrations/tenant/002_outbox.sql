-- Outbound messages waiting to be sent are listed in a table of their own instead of the partial index
-- messages_pending_idx (WHERE status = 'PENDING'): an index whose predicate names status made every status
-- change (SENT, DELIVERED, READ) a non-HOT update that wrote a new entry into each of the table's indexes.
-- Rows are added with the PENDING message and removed when its status moves on (persistence/messages.go).
CREATE TABLE outbox (
    message_id uuid PRIMARY KEY REFERENCES messages (message_id) ON DELETE CASCADE,
    chat_id    uuid NOT NULL,
    seq        bigint NOT NULL
);
INSERT INTO outbox (message_id, chat_id, seq) SELECT message_id, chat_id, seq FROM messages WHERE status = 'PENDING';
DROP INDEX messages_pending_idx;

-- Room on each page for the new version of a row whose status changes, so that the update stays on the
-- page (HOT) and touches no index.
ALTER TABLE messages SET (fillfactor = 90);
