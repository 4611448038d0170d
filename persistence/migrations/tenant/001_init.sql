-- Tenant schema: the seed's data model (channels, customers, products, orders, chats, messages).
-- User ids refer to the master database's users and carry no foreign key here.
CREATE TYPE platform_type AS ENUM ('WHATSAPP', 'INSTAGRAM', 'SHOPIFY', 'API');
CREATE TYPE order_status AS ENUM ('PENDING', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED');
CREATE TYPE chat_status AS ENUM ('OPEN', 'PENDING', 'RESOLVED', 'CLOSED');
CREATE TYPE message_sender_type AS ENUM ('CUSTOMER', 'AGENT', 'SYSTEM');
CREATE TYPE message_content_type AS ENUM ('TEXT', 'IMAGE', 'VIDEO', 'AUDIO', 'FILE', 'LOCATION', 'STICKER');
CREATE TYPE message_status AS ENUM ('RECEIVED', 'PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED');

CREATE TABLE channels (
    channel_id           uuid PRIMARY KEY,
    user_id              uuid NOT NULL,
    platform_type        platform_type NOT NULL,
    platform_specific_id text,
    channel_name         text,
    access_token         text,
    refresh_token        text,
    token_expires_at     timestamptz,
    scopes               text[],
    metadata             jsonb,
    webhook_url          text,
    webhook_secret       text,
    is_active            boolean NOT NULL DEFAULT true,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
    customer_id          uuid PRIMARY KEY,
    channel_id           uuid NOT NULL REFERENCES channels (channel_id),
    platform_customer_id text NOT NULL,
    full_name            text,
    email                text,
    phone                text,
    avatar_url           text,
    first_seen_at        timestamptz NOT NULL DEFAULT now(),
    last_seen_at         timestamptz NOT NULL DEFAULT now(),
    metadata             jsonb,
    UNIQUE (channel_id, platform_customer_id)
);

CREATE TABLE products (
    product_id   uuid PRIMARY KEY,
    user_id      uuid NOT NULL,
    name         text NOT NULL,
    description  text,
    price        numeric(10, 2) NOT NULL CHECK (price >= 0),
    currency     text NOT NULL,
    sku          text UNIQUE,
    image_url    text,
    image_id     text,
    short_id     text,
    is_available boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    order_id          uuid PRIMARY KEY,
    customer_id       uuid NOT NULL REFERENCES customers (customer_id),
    channel_id        uuid NOT NULL REFERENCES channels (channel_id),
    user_id           uuid NOT NULL,
    platform_order_id text,
    order_status      order_status NOT NULL DEFAULT 'PENDING',
    total_amount      numeric(10, 2) NOT NULL,
    currency          text NOT NULL,
    shipping_address  jsonb,
    billing_address   jsonb,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_idx ON orders (customer_id);

CREATE TABLE order_items (
    order_item_id        uuid PRIMARY KEY,
    order_id             uuid NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
    product_id           uuid NOT NULL REFERENCES products (product_id),
    quantity             integer NOT NULL CHECK (quantity > 0),
    price_at_purchase    numeric(10, 2) NOT NULL,
    currency_at_purchase text NOT NULL
);
CREATE INDEX order_items_order_idx ON order_items (order_id);
CREATE INDEX order_items_product_idx ON order_items (product_id);

CREATE TABLE chats (
    chat_id          uuid PRIMARY KEY,
    customer_id      uuid NOT NULL REFERENCES customers (customer_id),
    channel_id       uuid NOT NULL REFERENCES channels (channel_id),
    user_id          uuid,
    platform_chat_id text,
    status           chat_status NOT NULL DEFAULT 'OPEN',
    started_at       timestamptz NOT NULL DEFAULT now(),
    last_message_at  timestamptz,
    last_message     text,
    unread_count     integer NOT NULL DEFAULT 0,
    UNIQUE (channel_id, platform_chat_id)
);
CREATE INDEX chats_activity_idx ON chats ((coalesce(last_message_at, started_at)) DESC, chat_id DESC);
CREATE INDEX chats_customer_idx ON chats (customer_id);

CREATE TABLE messages (
    message_id          uuid PRIMARY KEY,
    seq                 bigint GENERATED ALWAYS AS IDENTITY,
    chat_id             uuid NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
    platform_message_id text UNIQUE,
    sender_type         message_sender_type NOT NULL,
    content_type        message_content_type NOT NULL DEFAULT 'TEXT',
    content             text NOT NULL,
    metadata            jsonb,
    timestamp           timestamptz NOT NULL DEFAULT now(),
    status              message_status NOT NULL DEFAULT 'RECEIVED',
    is_read             boolean NOT NULL DEFAULT false,
    idempotency_key     text UNIQUE,
    send_attempts       integer NOT NULL DEFAULT 0,
    last_error          text
);
CREATE INDEX messages_chat_seq_idx ON messages (chat_id, seq);
CREATE INDEX messages_pending_idx ON messages (seq) WHERE status = 'PENDING';
CREATE INDEX messages_unread_idx ON messages (chat_id) WHERE NOT is_read AND sender_type = 'CUSTOMER';

-- One row per channel session that must run on a single node at a time (WhatsApp).
CREATE TABLE session_leases (
    channel_id  uuid PRIMARY KEY REFERENCES channels (channel_id) ON DELETE CASCADE,
    holder      text NOT NULL,
    expires_at  timestamptz NOT NULL
);

-- message_status_rank orders statuses so that updates never move a message backwards.
CREATE FUNCTION message_status_rank(s message_status) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE s WHEN 'PENDING' THEN 0 WHEN 'SENT' THEN 1 WHEN 'FAILED' THEN 1
                  WHEN 'DELIVERED' THEN 2 WHEN 'READ' THEN 3 WHEN 'RECEIVED' THEN 3 END
$$;
