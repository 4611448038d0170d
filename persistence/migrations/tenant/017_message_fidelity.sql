-- Conversation fidelity (issue 15): replies, reactions, edits and revokes.
--   reply_to_message_id  the message this one quotes (same chat); shown as replyTo {messageId, excerpt},
--                        the excerpt read from the quoted message (message_reply below).
--   reactions            [{emoji, by, at}]: at most one per reacting side (the customer: by "CUSTOMER";
--                        the business: by a team member's id, or "PHONE"), as WhatsApp keeps one per account.
--   edited_at, versions  an edit keeps what the message said before: versions [{content, at}], oldest first.
--   revoked_at           deleted for everyone; the content stays readable by the team.
ALTER TABLE messages ADD COLUMN reply_to_message_id uuid,
                     ADD COLUMN reactions jsonb,
                     ADD COLUMN edited_at timestamptz,
                     ADD COLUMN revoked_at timestamptz,
                     ADD COLUMN versions jsonb;

-- The quoted message as a reply shows it, plus what a channel session needs to quote it on WhatsApp.
CREATE FUNCTION message_reply(id uuid) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('messageId', q.message_id,
                              'excerpt', CASE WHEN q.revoked_at IS NOT NULL THEN ''
                                              WHEN q.content_type::text = 'TEXT' THEN left(q.content, 160)
                                              ELSE btrim('[' || q.content_type::text || '] ' || left(q.content, 160)) END,
                              'platformMessageId', q.platform_message_id, 'senderType', q.sender_type::text,
                              'content', left(q.content, 1024))
    FROM messages q WHERE q.message_id = id
$$;

-- Reactions, edits and revokes the team makes, waiting for their channel session (like outbox for messages):
-- committed with the change to the message, removed once sent (or given up).
CREATE TABLE message_actions (
    action_id  uuid PRIMARY KEY,
    seq        bigint GENERATED ALWAYS AS IDENTITY,
    message_id uuid NOT NULL REFERENCES messages (message_id) ON DELETE CASCADE,
    chat_id    uuid NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('REACTION', 'EDIT', 'REVOKE')),
    value      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX message_actions_chat_idx ON message_actions (chat_id);
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON message_actions FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();

-- message.updated also reports reactions, edits (content) and revokes: the function of 014 and the WHEN of
-- 016's update trigger name them too. The trigger is created again, so its state (enabled only while an
-- endpoint takes message.updated, see 016) is set again at the end.
CREATE OR REPLACE FUNCTION aezen_webhook_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.sender_type::text = 'NOTE' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM aezen_webhook_enqueue('message.created', NEW.message_id, NEW.chat_id);
    ELSIF NEW.status IS DISTINCT FROM OLD.status OR NEW.content IS DISTINCT FROM OLD.content
        OR NEW.metadata IS DISTINCT FROM OLD.metadata OR NEW.media_id IS DISTINCT FROM OLD.media_id
        OR NEW.reactions IS DISTINCT FROM OLD.reactions OR NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
        PERFORM aezen_webhook_enqueue('message.updated', NEW.message_id, NEW.chat_id);
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER webhook_events_update ON messages;
CREATE TRIGGER webhook_events_update AFTER UPDATE ON messages FOR EACH ROW
    WHEN (NEW.sender_type::text <> 'NOTE' AND (NEW.status IS DISTINCT FROM OLD.status OR NEW.content IS DISTINCT FROM OLD.content
        OR NEW.metadata IS DISTINCT FROM OLD.metadata OR NEW.media_id IS DISTINCT FROM OLD.media_id
        OR NEW.reactions IS DISTINCT FROM OLD.reactions OR NEW.revoked_at IS DISTINCT FROM OLD.revoked_at))
    EXECUTE FUNCTION aezen_webhook_messages();
SELECT aezen_webhook_message_triggers(true);
