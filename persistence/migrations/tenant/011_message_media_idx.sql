-- Which messages carry a media object: the media routes check, for an agent who sees only their own and
-- unassigned conversations, that a file belongs to at least one conversation they may see.
CREATE INDEX messages_media_idx ON messages (media_id) WHERE media_id IS NOT NULL;
