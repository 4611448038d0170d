-- The fence check (023) compared the fence row with a PL/pgSQL variable (mine), which makes its SELECT a
-- query with a parameter; PostgreSQL's plan cache kept choosing a custom plan for it, so every transaction
-- that wrote planned the check again (pg_stat_statements with track_planning: 8 calls, 9 plans; in a CPU
-- profile of the bench's ingest, with the inbound messages of a group commit in one statement, the fence
-- function took an eighth of the tenant backends' time, a quarter of it in the planner). The SELECT now
-- reads the setting itself: it has no parameter, so its plan is made once per connection and kept. What it
-- checks is unchanged (the setting is the same text as mine, which is known to be set here).
CREATE OR REPLACE FUNCTION aezen_check_fence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mine text := current_setting('aezen.epoch', true);
BEGIN
    IF mine IS NULL OR mine = '' OR current_setting('aezen.fenced', true) = mine THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM activation_fence WHERE epoch = current_setting('aezen.epoch')::bigint FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'stale tenant activation (epoch %): the tenant is active elsewhere', mine USING ERRCODE = 'AZ001';
    END IF;
    PERFORM set_config('aezen.fenced', mine, true);
    RETURN NULL;
END $$;
