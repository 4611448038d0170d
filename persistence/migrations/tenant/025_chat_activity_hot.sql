-- The chat bump as a HOT update (issue 17, cheaper writes). After 024 every message still wrote a new entry
-- into both indexes of chat_activity, since the activity index covers the time the message changes: the
-- primary key then held one entry per version of the row, and every bump and lookup of a busy chat walked
-- the dead versions until vacuum (pg_stat_statements: about 60 buffers per inbound statement against the
-- plain insert's 17; perf: a seventh of PostgreSQL's CPU in heap_hot_search_buffer under the bump's lookup).
--
-- The activity index now holds only the minute of the activity (activity_minute, a stored generated
-- column), so a bump within the same minute changes no indexed column: PostgreSQL updates the row in
-- place on its page (HOT), with no index entry, and the row's versions form a chain that is pruned on the
-- next visit. fillfactor leaves half of each page for those versions. The inbox and search order by
-- (activity_minute, activity, chat id): the index gives the minutes in order and PostgreSQL sorts each
-- minute's chats (an incremental sort), which is the same order as before since the minute follows the
-- activity. Their cursor (activity, chat id) is unchanged.
DROP INDEX chat_activity_idx;
ALTER TABLE chat_activity SET (fillfactor = 50);
ALTER TABLE chat_activity ADD COLUMN activity_minute timestamptz
    GENERATED ALWAYS AS (date_bin('1 minute', coalesce(last_message_at, started_at), timestamptz '2000-01-01 00:00:00+00')) STORED;
CREATE INDEX chat_activity_minute_idx ON chat_activity (activity_minute DESC);
