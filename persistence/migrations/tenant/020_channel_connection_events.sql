-- channel.status also reports a WhatsApp number's connection state (issue 16): the session stores its
-- status in the channel's metadata (whatsapp.status: CONNECTING, WAITING_QR, CONNECTED, DISCONNECTED,
-- LOGGED_OUT, BANNED, OUTDATED, ERROR) whenever it changes, and the trigger on channels enqueues
-- channel.status in that same transaction, as it did for isActive. Each delivery keeps the state it
-- reports (detail), so that quick changes are each told as they were, not as the channel is when the
-- dispatcher first renders them. A new number's first stored state, DISCONNECTED, is no change and is not
-- reported.
ALTER TABLE webhook_deliveries ADD COLUMN detail jsonb;

CREATE FUNCTION aezen_webhook_enqueue_detail(p_event text, p_entity uuid, p_key uuid, p_detail jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (webhook_id, event, entity_id, order_key, detail)
    SELECT webhook_id, p_event, p_entity, p_key, p_detail FROM webhooks
    WHERE is_active AND (cardinality(events) = 0 OR p_event = ANY (events));
END $$;

CREATE OR REPLACE FUNCTION aezen_webhook_channels() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM aezen_webhook_enqueue_detail('channel.status', NEW.channel_id, NEW.channel_id,
        jsonb_build_object('isActive', NEW.is_active, 'connection',
            CASE WHEN NEW.metadata -> 'whatsapp' ? 'status' THEN jsonb_build_object(
                'status', NEW.metadata -> 'whatsapp' ->> 'status',
                'lastError', NEW.metadata -> 'whatsapp' -> 'lastError',
                'jid', NEW.metadata -> 'whatsapp' -> 'jid') END));
    RETURN NULL;
END $$;

DROP TRIGGER webhook_events ON channels;
CREATE TRIGGER webhook_events AFTER UPDATE ON channels FOR EACH ROW
    WHEN (NEW.is_active IS DISTINCT FROM OLD.is_active
        OR (NEW.metadata -> 'whatsapp' -> 'status' IS DISTINCT FROM OLD.metadata -> 'whatsapp' -> 'status'
            AND NOT (OLD.metadata -> 'whatsapp' -> 'status' IS NULL AND NEW.metadata -> 'whatsapp' ->> 'status' = 'DISCONNECTED')))
    EXECUTE FUNCTION aezen_webhook_channels();
