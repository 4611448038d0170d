-- Media: files kept in the tenant's own database (media/pgstore). The bytes of a file are a blob, stored
-- once per tenant whatever the number of uploads (blobs are unique by sha256), in rows of 256 KiB so that
-- reading or writing a file never holds it whole in memory; a media row is one upload or one received file:
-- its own id, type and name, pointing at the blob.
CREATE TABLE media_blobs (
    blob_id    uuid PRIMARY KEY,
    -- sha256 is NULL while the blob is being written; a blob without one is an unfinished upload.
    sha256     bytea UNIQUE,
    size       bigint NOT NULL DEFAULT 0,
    chunk_size integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE media_chunks (
    blob_id uuid NOT NULL REFERENCES media_blobs (blob_id) ON DELETE CASCADE,
    idx     integer NOT NULL,
    data    bytea NOT NULL,
    PRIMARY KEY (blob_id, idx)
);
-- Images, audio and video are compressed already: keep PostgreSQL from trying again (out of line, uncompressed).
ALTER TABLE media_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TYPE media_state AS ENUM ('PENDING', 'READY', 'FAILED');

CREATE TABLE media (
    media_id   uuid PRIMARY KEY,
    -- blob_id is NULL until the bytes are there (a received file still downloading, or one that failed).
    blob_id    uuid REFERENCES media_blobs (blob_id),
    mime_type  text NOT NULL,
    file_name  text NOT NULL DEFAULT '',
    state      media_state NOT NULL DEFAULT 'READY',
    error      text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_blob_idx ON media (blob_id);
