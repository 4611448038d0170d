-- The cost of event webhooks on the write paths (issue 17). Migration 014's triggers ran on every inbound
-- message whether or not the tenant had an endpoint: the AFTER row trigger on messages called
-- aezen_webhook_enqueue, an SQL function that PostgreSQL planned again on every call (pg_stat_statements:
-- 0.19 ms a message, 40 % of the inbound statement's own 0.46 ms), and the chat bump and customer update of
-- every message queued a trigger event of their own.
--
-- 1. The enqueue is PL/pgSQL, whose plan is kept for the session.
-- 2. Every row trigger says in its WHEN clause which changes it reports, so the others queue no trigger
--    event and call nothing (the chat bump, last_seen_at, a message marked read).
-- 3. The two triggers on messages (created, updated) are enabled only while an active endpoint takes
--    their event: a tenant without one pays nothing per message. The switch is ALTER TABLE … ENABLE/DISABLE
--    TRIGGER, made by a trigger on webhooks in the same transaction as the change of endpoints, so it is as
--    durable as the outbox: a message committed after an endpoint that wants it is always enqueued.
--    Why that holds: the switch first takes messages' SHARE ROW EXCLUSIVE lock, which waits for every
--    transaction writing messages and holds the next ones back until it commits; it then reads the
--    endpoints and the triggers' state again (fresh snapshots, after the lock), so two changes of
--    endpoints at once are serialised and the later one decides with the earlier one committed. A
--    statement that writes messages after the switch committed sees the trigger enabled (the lock makes it
--    read the invalidated catalogue).
--    Turning on waits for the lock: nothing that writes messages waits for an endpoint being created or
--    activated (its row is not in their snapshots), so this cannot deadlock. Turning off (the last endpoint
--    deleted, deactivated or narrowed) only tries, for 200 ms: a group commit may be waiting for the row
--    lock of the endpoint being deleted (its outbox row's foreign key) while holding messages; then the
--    triggers stay on, which is safe (the enqueue finds no endpoint), until the next change of endpoints.
CREATE OR REPLACE FUNCTION aezen_webhook_enqueue(p_event text, p_entity uuid, p_key uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (webhook_id, event, entity_id, order_key)
    SELECT webhook_id, p_event, p_entity, p_key FROM webhooks
    WHERE is_active AND (cardinality(events) = 0 OR p_event = ANY (events));
END $$;

DROP TRIGGER webhook_events ON messages;
CREATE TRIGGER webhook_events AFTER INSERT ON messages FOR EACH ROW
    WHEN (NEW.sender_type::text <> 'NOTE') EXECUTE FUNCTION aezen_webhook_messages();
CREATE TRIGGER webhook_events_update AFTER UPDATE ON messages FOR EACH ROW
    WHEN (NEW.sender_type::text <> 'NOTE' AND (NEW.status IS DISTINCT FROM OLD.status OR NEW.content IS DISTINCT FROM OLD.content
        OR NEW.metadata IS DISTINCT FROM OLD.metadata OR NEW.media_id IS DISTINCT FROM OLD.media_id))
    EXECUTE FUNCTION aezen_webhook_messages();

DROP TRIGGER webhook_events ON media;
CREATE TRIGGER webhook_events AFTER UPDATE ON media FOR EACH ROW
    WHEN (NEW.state IS DISTINCT FROM OLD.state) EXECUTE FUNCTION aezen_webhook_media();

DROP TRIGGER webhook_events ON chats;
CREATE TRIGGER webhook_events AFTER UPDATE ON chats FOR EACH ROW
    WHEN (NEW.status IS DISTINCT FROM OLD.status OR NEW.user_id IS DISTINCT FROM OLD.user_id
        OR NEW.snoozed_until IS DISTINCT FROM OLD.snoozed_until)
    EXECUTE FUNCTION aezen_webhook_chats();

DROP TRIGGER webhook_events ON customers;
CREATE TRIGGER webhook_events AFTER UPDATE ON customers FOR EACH ROW
    WHEN (row(NEW.full_name, NEW.email, NEW.phone, NEW.avatar_url, NEW.metadata)
        IS DISTINCT FROM row(OLD.full_name, OLD.email, OLD.phone, OLD.avatar_url, OLD.metadata))
    EXECUTE FUNCTION aezen_webhook_customers();

DROP TRIGGER webhook_events ON channels;
CREATE TRIGGER webhook_events AFTER UPDATE ON channels FOR EACH ROW
    WHEN (NEW.is_active IS DISTINCT FROM OLD.is_active) EXECUTE FUNCTION aezen_webhook_channels();

-- aezen_webhook_message_triggers enables each trigger on messages while an active endpoint takes its event
-- and disables it otherwise. p_wait: wait for the lock (an endpoint may need a trigger on); otherwise try
-- for 200 ms and leave the triggers as they are when the lock is not free (see above).
CREATE FUNCTION aezen_webhook_message_triggers(p_wait boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    old_timeout text := current_setting('lock_timeout');
    want_created boolean;
    want_updated boolean;
    on_created boolean;
    on_updated boolean;
BEGIN
    IF p_wait THEN
        LOCK TABLE messages IN SHARE ROW EXCLUSIVE MODE;
    ELSE
        BEGIN
            PERFORM set_config('lock_timeout', '200ms', true);
            LOCK TABLE messages IN SHARE ROW EXCLUSIVE MODE;
        EXCEPTION WHEN lock_not_available THEN
            RETURN;
        END;
        PERFORM set_config('lock_timeout', old_timeout, true);
    END IF;
    SELECT coalesce(bool_or(cardinality(events) = 0 OR 'message.created' = ANY (events)), false),
           coalesce(bool_or(cardinality(events) = 0 OR 'message.updated' = ANY (events)), false)
    INTO want_created, want_updated FROM webhooks WHERE is_active;
    SELECT coalesce(bool_or(tgenabled <> 'D') FILTER (WHERE tgname = 'webhook_events'), false),
           coalesce(bool_or(tgenabled <> 'D') FILTER (WHERE tgname = 'webhook_events_update'), false)
    INTO on_created, on_updated FROM pg_trigger WHERE tgrelid = 'messages'::regclass;
    IF want_created AND NOT on_created THEN
        ALTER TABLE messages ENABLE TRIGGER webhook_events;
    ELSIF on_created AND NOT want_created THEN
        ALTER TABLE messages DISABLE TRIGGER webhook_events;
    END IF;
    IF want_updated AND NOT on_updated THEN
        ALTER TABLE messages ENABLE TRIGGER webhook_events_update;
    ELSIF on_updated AND NOT want_updated THEN
        ALTER TABLE messages DISABLE TRIGGER webhook_events_update;
    END IF;
END $$;

CREATE FUNCTION aezen_webhook_endpoints_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        IF NEW.is_active THEN
            PERFORM aezen_webhook_message_triggers(true);
            RETURN NULL;
        END IF;
    END IF;
    PERFORM aezen_webhook_message_triggers(false);
    RETURN NULL;
END $$;
CREATE TRIGGER message_triggers AFTER INSERT OR DELETE ON webhooks FOR EACH ROW EXECUTE FUNCTION aezen_webhook_endpoints_changed();
CREATE TRIGGER message_triggers_update AFTER UPDATE OF is_active, events ON webhooks FOR EACH ROW
    WHEN (NEW.is_active IS DISTINCT FROM OLD.is_active OR NEW.events IS DISTINCT FROM OLD.events)
    EXECUTE FUNCTION aezen_webhook_endpoints_changed();

SELECT aezen_webhook_message_triggers(true);
