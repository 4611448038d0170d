-- Event webhooks: a tenant's endpoints (webhooks) and the durable outbox of their deliveries
-- (webhook_deliveries). Deliveries are written by triggers on the tables whose changes they report, so
-- that each one commits in the same transaction as its change, whatever path made it (the db writer's
-- group commit, a query's transaction, a CRUD route): a change is never reported without being stored,
-- nor stored without being reported. Only active endpoints whose filter takes the event get a row. The
-- dispatcher (actors/tenant/webhooks.go) renders the payload when it first delivers it.
CREATE TABLE webhooks (
    webhook_id           uuid PRIMARY KEY,
    url                  text NOT NULL,
    events               text[] NOT NULL DEFAULT '{}',
    secret               text NOT NULL,
    is_active            boolean NOT NULL DEFAULT true,
    disabled_reason      text,
    consecutive_failures integer NOT NULL DEFAULT 0,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id     uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    webhook_id      uuid NOT NULL REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
    event           text NOT NULL,
    entity_id       uuid NOT NULL,
    -- order_key: deliveries with the same key (a conversation, a customer, an order, a channel) reach an
    -- endpoint one at a time, in seq order.
    order_key       uuid NOT NULL,
    -- payload: the exact bytes sent (and signed), kept as text so that a retry sends the same bytes.
    payload         text,
    state           text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (webhook_id, order_key, seq) WHERE state = 'PENDING';
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, seq DESC);

CREATE FUNCTION aezen_webhook_enqueue(p_event text, p_entity uuid, p_key uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO webhook_deliveries (webhook_id, event, entity_id, order_key)
    SELECT webhook_id, p_event, p_entity, p_key FROM webhooks
    WHERE is_active AND (cardinality(events) = 0 OR p_event = ANY (events))
$$;

-- Messages: created (inbound and outbound) and updated (status, content, metadata such as reactions, media).
-- Internal notes are never reported.
CREATE FUNCTION aezen_webhook_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.sender_type::text = 'NOTE' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM aezen_webhook_enqueue('message.created', NEW.message_id, NEW.chat_id);
    ELSIF NEW.status IS DISTINCT FROM OLD.status OR NEW.content IS DISTINCT FROM OLD.content
        OR NEW.metadata IS DISTINCT FROM OLD.metadata OR NEW.media_id IS DISTINCT FROM OLD.media_id THEN
        PERFORM aezen_webhook_enqueue('message.updated', NEW.message_id, NEW.chat_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_events AFTER INSERT OR UPDATE ON messages FOR EACH ROW EXECUTE FUNCTION aezen_webhook_messages();

-- A received file becoming READY (or FAILED) updates the messages that carry it.
CREATE FUNCTION aezen_webhook_media() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state THEN
        PERFORM aezen_webhook_enqueue('message.updated', m.message_id, m.chat_id)
        FROM messages m WHERE m.media_id = NEW.media_id AND m.sender_type::text <> 'NOTE';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_events AFTER UPDATE ON media FOR EACH ROW EXECUTE FUNCTION aezen_webhook_media();

-- Conversations: status (snoozes included) and assignment; labels below.
CREATE FUNCTION aezen_webhook_chats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status OR NEW.user_id IS DISTINCT FROM OLD.user_id
        OR NEW.snoozed_until IS DISTINCT FROM OLD.snoozed_until THEN
        PERFORM aezen_webhook_enqueue('conversation.updated', NEW.chat_id, NEW.chat_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_events AFTER UPDATE ON chats FOR EACH ROW EXECUTE FUNCTION aezen_webhook_chats();

CREATE FUNCTION aezen_webhook_chat_labels() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r chat_labels%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    PERFORM aezen_webhook_enqueue('conversation.updated', r.chat_id, r.chat_id);
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_events AFTER INSERT OR DELETE ON chat_labels FOR EACH ROW EXECUTE FUNCTION aezen_webhook_chat_labels();

-- Customers: what the team or the channel changed about them (not last_seen_at, which every message moves).
CREATE FUNCTION aezen_webhook_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF row(NEW.full_name, NEW.email, NEW.phone, NEW.avatar_url, NEW.metadata)
        IS DISTINCT FROM row(OLD.full_name, OLD.email, OLD.phone, OLD.avatar_url, OLD.metadata) THEN
        PERFORM aezen_webhook_enqueue('customer.updated', NEW.customer_id, NEW.customer_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_events AFTER UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION aezen_webhook_customers();

CREATE FUNCTION aezen_webhook_customer_labels() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r customer_labels%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    PERFORM aezen_webhook_enqueue('customer.updated', r.customer_id, r.customer_id);
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_events AFTER INSERT OR DELETE ON customer_labels FOR EACH ROW EXECUTE FUNCTION aezen_webhook_customer_labels();

-- Orders: created and updated.
CREATE FUNCTION aezen_webhook_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM aezen_webhook_enqueue('order.created', NEW.order_id, NEW.order_id);
    ELSE
        PERFORM aezen_webhook_enqueue('order.updated', NEW.order_id, NEW.order_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_events AFTER INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION aezen_webhook_orders();

-- Channels: turned on or off.
CREATE FUNCTION aezen_webhook_channels() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.is_active IS DISTINCT FROM OLD.is_active THEN
        PERFORM aezen_webhook_enqueue('channel.status', NEW.channel_id, NEW.channel_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_events AFTER UPDATE ON channels FOR EACH ROW EXECUTE FUNCTION aezen_webhook_channels();

CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON webhooks FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON webhook_deliveries FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
