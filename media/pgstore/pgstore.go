// Package pgstore is the default media.Store: files in the tenant's own database (tables media, media_blobs
// and media_chunks, tenant migration 003), written and read in rows of media.ChunkSize. It keeps the
// database-per-tenant isolation, needs nothing else to run, and works on whichever member hosts the tenant.
package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/media"
)

// Store is one tenant's media in that tenant's database.
type Store struct {
	pool *pgxpool.Pool
}

var _ media.Store = (*Store)(nil)

// New wraps a tenant's pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

const (
	sqlNewBlob     = `INSERT INTO media_blobs (blob_id, chunk_size) VALUES ($1, $2)`
	sqlPutChunk    = `INSERT INTO media_chunks (blob_id, idx, data) VALUES ($1, $2, $3)`
	sqlDropBlob    = `DELETE FROM media_blobs WHERE blob_id = $1`
	sqlSweepBlobs  = `DELETE FROM media_blobs WHERE sha256 IS NULL AND created_at < now() - interval '1 hour'`
	sqlBlobBySum   = `SELECT blob_id FROM media_blobs WHERE sha256 = $1`
	sqlSealBlob    = `UPDATE media_blobs SET sha256 = $2, size = $3 WHERE blob_id = $1`
	sqlInsertMedia = `INSERT INTO media (media_id, blob_id, mime_type, file_name, state) VALUES ($1, $2, $3, $4, 'READY') RETURNING created_at`
	sqlStat        = `SELECT m.media_id, m.mime_type, m.file_name, m.state::text, coalesce(b.size, 0), b.sha256, m.created_at, b.blob_id, coalesce(b.chunk_size, 0)
		FROM media m LEFT JOIN media_blobs b ON b.blob_id = m.blob_id WHERE m.media_id = $1`
	sqlReadChunk = `SELECT substr(data, $3, $4) FROM media_chunks WHERE blob_id = $1 AND idx = $2`
)

// Put streams r into a new blob one chunk at a time, hashing as it goes, then either seals the blob or,
// when the tenant already has the same bytes, drops it and points the new media row at the existing one.
func (s *Store) Put(ctx context.Context, r io.Reader, in media.PutInput) (media.Object, error) {
	if in.MaxBytes > 0 {
		r = media.LimitReader(r, in.MaxBytes)
	}
	// Blobs left unfinished by a member that stopped mid-upload are swept by the next upload.
	_, _ = s.pool.Exec(ctx, sqlSweepBlobs)
	blobID := uuid.Must(uuid.NewV7())
	if _, err := s.pool.Exec(ctx, sqlNewBlob, blobID, media.ChunkSize); err != nil {
		return media.Object{}, fmt.Errorf("starting a media blob: %w", err)
	}
	sum, size, err := s.writeChunks(ctx, blobID, r)
	if err != nil {
		s.drop(blobID)
		return media.Object{}, err
	}
	obj := media.Object{MediaID: uuid.Must(uuid.NewV7()), MimeType: in.MimeType, Size: size, FileName: in.FileName,
		SHA256: hex.EncodeToString(sum), State: media.StateReady}
	insert := func(tx pgx.Tx, target uuid.UUID) (time.Time, error) {
		var created time.Time
		err := tx.QueryRow(ctx, sqlInsertMedia, obj.MediaID, target, obj.MimeType, obj.FileName).Scan(&created)
		return created, err
	}
	for attempt := 0; ; attempt++ {
		obj.CreatedAt, err = s.seal(ctx, blobID, sum, obj.Size, insert)
		var pgErr *pgconn.PgError
		if err != nil && errors.As(err, &pgErr) && pgErr.Code == "23505" && attempt == 0 {
			continue // the same bytes were sealed by a concurrent upload: this time seal finds them
		}
		break
	}
	if err != nil {
		s.drop(blobID)
		return media.Object{}, fmt.Errorf("recording media: %w", err)
	}
	return obj, nil
}

// writeChunks copies r into the blob's chunk rows and answers the digest and size.
func (s *Store) writeChunks(ctx context.Context, blobID uuid.UUID, r io.Reader) ([]byte, int64, error) {
	h := sha256.New()
	buf := make([]byte, media.ChunkSize)
	var size int64
	for idx := 0; ; idx++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			h.Write(buf[:n])
			size += int64(n)
			if _, werr := s.pool.Exec(ctx, sqlPutChunk, blobID, idx, buf[:n]); werr != nil {
				return nil, 0, fmt.Errorf("writing a media chunk: %w", werr)
			}
		}
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return h.Sum(nil), size, nil
		case err != nil:
			return nil, 0, err
		}
	}
}

// seal records the media row in one transaction: on the existing blob with the same digest (dropping the
// new one) or on the new blob, now sealed with its digest and size.
func (s *Store) seal(ctx context.Context, blobID uuid.UUID, sum []byte, size int64,
	record func(tx pgx.Tx, target uuid.UUID) (time.Time, error)) (time.Time, error) {
	var created time.Time
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		target := blobID
		var existing uuid.UUID
		switch err := tx.QueryRow(ctx, sqlBlobBySum, sum).Scan(&existing); {
		case err == nil:
			target = existing
			if _, err := tx.Exec(ctx, sqlDropBlob, blobID); err != nil {
				return err
			}
		case errors.Is(err, pgx.ErrNoRows):
			if _, err := tx.Exec(ctx, sqlSealBlob, blobID, sum, size); err != nil {
				return err
			}
		default:
			return err
		}
		var err error
		created, err = record(tx, target)
		return err
	})
	return created, err
}

// drop removes an unfinished blob (its chunks go with it); it runs even when the request was cancelled.
func (s *Store) drop(blobID uuid.UUID) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = s.pool.Exec(ctx, sqlDropBlob, blobID)
}

// stat reads a media row with where its bytes are.
func (s *Store) stat(ctx context.Context, id uuid.UUID) (media.Object, *uuid.UUID, int64, error) {
	var o media.Object
	var sum []byte
	var blob *uuid.UUID
	var chunk int64
	err := s.pool.QueryRow(ctx, sqlStat, id).Scan(&o.MediaID, &o.MimeType, &o.FileName, &o.State, &o.Size, &sum,
		&o.CreatedAt, &blob, &chunk)
	if errors.Is(err, pgx.ErrNoRows) {
		return media.Object{}, nil, 0, media.NotFound()
	}
	if err != nil {
		return media.Object{}, nil, 0, err
	}
	o.SHA256 = hex.EncodeToString(sum)
	return o, blob, chunk, nil
}

// Stat describes a media object.
func (s *Store) Stat(ctx context.Context, id uuid.UUID) (media.Object, error) {
	o, _, _, err := s.stat(ctx, id)
	return o, err
}

// Get answers a reader over a range of the object's bytes that fetches one chunk row at a time.
func (s *Store) Get(ctx context.Context, id uuid.UUID, rng media.Range) (io.ReadCloser, error) {
	o, blob, chunk, err := s.stat(ctx, id)
	if err != nil {
		return nil, err
	}
	if blob == nil || o.State != media.StateReady {
		return nil, domain.Conflict("media %s is not ready (%s)", id, o.State)
	}
	end := o.Size
	if rng.Length >= 0 {
		end = rng.Offset + rng.Length
	}
	if rng.Offset < 0 || end > o.Size || rng.Offset > end {
		return nil, domain.BadRequest("range %d-%d is outside the file's %d bytes", rng.Offset, end-1, o.Size)
	}
	return &chunkReader{ctx: ctx, pool: s.pool, blob: *blob, chunk: chunk, off: rng.Offset, end: end}, nil
}

// chunkReader reads [off, end) of a blob, one query per chunk row it crosses.
type chunkReader struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	blob  uuid.UUID
	chunk int64
	off   int64
	end   int64
	buf   []byte
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.buf) == 0 {
		if c.off >= c.end {
			return 0, io.EOF
		}
		idx, within := c.off/c.chunk, c.off%c.chunk
		n := min(c.chunk-within, c.end-c.off)
		var data []byte
		if err := c.pool.QueryRow(c.ctx, sqlReadChunk, c.blob, idx, within+1, n).Scan(&data); err != nil {
			return 0, fmt.Errorf("reading media chunk %d: %w", idx, err)
		}
		if int64(len(data)) != n {
			return 0, fmt.Errorf("media chunk %d is %d bytes short", idx, n-int64(len(data)))
		}
		c.buf = data
		c.off += n
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

func (c *chunkReader) Close() error { c.buf = nil; return nil }
