-- A received file that could not be downloaded shows why: message_media adds the media row's error.
CREATE OR REPLACE FUNCTION message_media(id uuid) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('mediaId', m.media_id, 'mimeType', m.mime_type, 'size', coalesce(b.size, 0),
                              'fileName', m.file_name, 'state', m.state, 'error', m.error)
    FROM media m LEFT JOIN media_blobs b ON b.blob_id = m.blob_id WHERE m.media_id = id
$$;
