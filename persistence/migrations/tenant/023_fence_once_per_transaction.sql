-- The activation fence (009) checked the fence row on every write statement: an inbound message's statement
-- ran it twice (messages, then the chat bump) and a group commit of ten messages twenty times, each a
-- PL/pgSQL call and a SELECT … FOR SHARE of the one fence row (pg_stat_statements: two calls a message).
-- The first check of a transaction holds the row FOR SHARE until the transaction ends, so the fence cannot
-- move before then and the later checks can only pass: the check now records the epoch it let through in a
-- transaction-local setting (aezen.fenced) and the next statements of the transaction skip the SELECT when
-- it is their epoch. The setting is undone with the transaction, and with a savepoint rolled back (which
-- also releases the row lock taken under it), so a check is skipped only while its lock is held.
CREATE OR REPLACE FUNCTION aezen_check_fence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mine text := current_setting('aezen.epoch', true);
BEGIN
    IF mine IS NULL OR mine = '' OR current_setting('aezen.fenced', true) = mine THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM activation_fence WHERE epoch = mine::bigint FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'stale tenant activation (epoch %): the tenant is active elsewhere', mine USING ERRCODE = 'AZ001';
    END IF;
    PERFORM set_config('aezen.fenced', mine, true);
    RETURN NULL;
END $$;
