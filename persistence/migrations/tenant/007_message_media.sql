-- A message may carry a file of the media store (IMAGE, VIDEO, AUDIO, FILE, STICKER): content stays the caption.
ALTER TABLE messages ADD COLUMN media_id uuid REFERENCES media (media_id);

-- message_media is a message's media as the API shows it (the signed url is added by the engine).
-- Message reads call it for the rows that have a media_id.
CREATE FUNCTION message_media(id uuid) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('mediaId', m.media_id, 'mimeType', m.mime_type, 'size', coalesce(b.size, 0),
                              'fileName', m.file_name, 'state', m.state)
    FROM media m LEFT JOIN media_blobs b ON b.blob_id = m.blob_id WHERE m.media_id = id
$$;
