-- activation_fence holds the epoch of the tenant's current activation (its lease in the master database).
-- Engine connections carry their activation's epoch (the aezen.epoch setting); a write statement of a
-- connection whose epoch is not the fence's fails with SQLSTATE AZ001, so that an activation that lost its
-- lease cannot change anything. The check holds the fence row FOR SHARE until the transaction ends, and a
-- new activation moves the fence with an UPDATE, which waits for those transactions: after the move, no
-- transaction of the old activation is still writing. Connections without the setting (migrations, tools)
-- are not checked.
CREATE TABLE activation_fence (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    epoch    bigint NOT NULL
);
INSERT INTO activation_fence (epoch) VALUES (0);

CREATE FUNCTION aezen_check_fence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mine text := current_setting('aezen.epoch', true);
BEGIN
    IF mine IS NULL OR mine = '' THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM activation_fence WHERE epoch = mine::bigint FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'stale tenant activation (epoch %): the tenant is active elsewhere', mine USING ERRCODE = 'AZ001';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON channels FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON customers FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON products FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON orders FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON order_items FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON chats FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON messages FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON outbox FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON media_blobs FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON media_chunks FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON media FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON tenant_settings FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON labels FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON chat_labels FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON customer_labels FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE OR DELETE ON canned_replies FOR EACH STATEMENT EXECUTE FUNCTION aezen_check_fence();
