-- Canned replies: a shortcut and a text with customer.name-style variables (written in double braces), filled in when sent.
CREATE TABLE canned_replies (
    canned_reply_id uuid PRIMARY KEY,
    shortcut        text NOT NULL,
    content         text NOT NULL,
    created_by      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX canned_replies_shortcut_key ON canned_replies (lower(shortcut));
