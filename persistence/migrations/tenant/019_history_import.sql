-- WhatsApp history import (issue 15): messages imported from the history WhatsApp offers a newly paired
-- number carry {"whatsapp": {"history": true}} in their metadata. They are the past, not news: they are not
-- reported to event webhooks as message.created, which the created trigger's WHEN clause now says (changes to
-- an imported message are still message.updated). The trigger keeps its name, which
-- aezen_webhook_message_triggers (016) switches on and off; re-created, it is enabled, so the switch runs
-- again to leave it as the tenant's endpoints want it.
DROP TRIGGER webhook_events ON messages;
CREATE TRIGGER webhook_events AFTER INSERT ON messages FOR EACH ROW
    WHEN (NEW.sender_type::text <> 'NOTE'
        AND NOT coalesce(NEW.metadata @> jsonb_build_object('whatsapp', jsonb_build_object('history', true)), false))
    EXECUTE FUNCTION aezen_webhook_messages();
SELECT aezen_webhook_message_triggers(true);
