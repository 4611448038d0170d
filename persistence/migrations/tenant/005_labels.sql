-- Labels: tenant-defined tags (name, color) attached to conversations and customers, used in filters.
CREATE TABLE labels (
    label_id   uuid PRIMARY KEY,
    name       text NOT NULL,
    color      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX labels_name_key ON labels (lower(name));

CREATE TABLE chat_labels (
    chat_id  uuid NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
    label_id uuid NOT NULL REFERENCES labels (label_id) ON DELETE CASCADE,
    PRIMARY KEY (chat_id, label_id)
);
CREATE INDEX chat_labels_label_idx ON chat_labels (label_id, chat_id);

CREATE TABLE customer_labels (
    customer_id uuid NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    label_id    uuid NOT NULL REFERENCES labels (label_id) ON DELETE CASCADE,
    PRIMARY KEY (customer_id, label_id)
);
CREATE INDEX customer_labels_label_idx ON customer_labels (label_id, customer_id);
