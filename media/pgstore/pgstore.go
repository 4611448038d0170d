// Package pgstore is the default media.Store: files in the tenant's own database (tables media, media_blobs
// and media_chunks, tenant migration 003), written and read in rows of media.ChunkSize. It keeps the
// database-per-tenant isolation, needs nothing else to run, and works on whichever member hosts the tenant.
package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
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

// writeChunks copies r into the blob's chunk rows and answers the digest and size. Each row goes in with
// its own COPY (binary format) streamed from the chunk's buffer: an INSERT's bytea parameter is copied twice
// into buffers the driver allocates for every statement and drops after it (two bytes allocated per byte
// stored), where COPY sends the buffer as it is. A COPY per row keeps a connection only while a row is
// sent, never while the upload waits for the client's next bytes; it runs the table's fence trigger like
// the INSERT did.
func (s *Store) writeChunks(ctx context.Context, blobID uuid.UUID, r io.Reader) ([]byte, int64, error) {
	h := sha256.New()
	buf := media.GetBuffer()
	var size int64
	for idx := 0; ; idx++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			h.Write(buf[:n])
			size += int64(n)
			if werr := s.copyChunk(ctx, blobID, idx, buf[:n]); werr != nil {
				// Not given back: a failed COPY may still be reading it (pgconn's sender goroutine).
				return nil, 0, fmt.Errorf("writing a media chunk: %w", werr)
			}
		}
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			media.PutBuffer(buf)
			return h.Sum(nil), size, nil
		case err != nil:
			media.PutBuffer(buf)
			return nil, 0, err
		}
	}
}

// sqlCopyChunk is the COPY that copyChunk feeds one row in PostgreSQL's binary COPY format.
const sqlCopyChunk = `COPY media_chunks (blob_id, idx, data) FROM STDIN WITH (FORMAT binary)`

// copyChunk stores one chunk row with COPY.
func (s *Store) copyChunk(ctx context.Context, blobID uuid.UUID, idx int, data []byte) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	row := newCopyRow(blobID, idx, data)
	tag, err := conn.Conn().PgConn().CopyFrom(ctx, row, sqlCopyChunk)
	if err == nil && tag.RowsAffected() != 1 {
		err = fmt.Errorf("COPY stored %d rows, not 1", tag.RowsAffected())
	}
	return err
}

// copyRow is one media_chunks row in PostgreSQL's binary COPY format (the file header, the row, the
// trailer), read without copying data.
type copyRow struct {
	head  [copyHeadLen]byte
	parts [3][]byte
}

// The binary COPY header (signature, flags, extension length), then a row of 3 fields: blob_id (uuid, 16
// bytes), idx (int4), data (bytea, its length then its bytes); then the trailer (-1 fields).
const (
	copySignature = "PGCOPY\n\xff\r\n\x00"
	copyHeadLen   = len(copySignature) + 4 + 4 + 2 + 4 + 16 + 4 + 4 + 4
)

var copyTrailer = []byte{0xff, 0xff}

func newCopyRow(blobID uuid.UUID, idx int, data []byte) *copyRow {
	c := &copyRow{}
	b := append(c.head[:0], copySignature...)
	b = binary.BigEndian.AppendUint32(b, 0) // flags
	b = binary.BigEndian.AppendUint32(b, 0) // header extension length
	b = binary.BigEndian.AppendUint16(b, 3) // fields in the row
	b = binary.BigEndian.AppendUint32(b, 16)
	b = append(b, blobID[:]...)
	b = binary.BigEndian.AppendUint32(b, 4)
	b = binary.BigEndian.AppendUint32(b, uint32(idx))
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	c.parts = [3][]byte{b, data, copyTrailer}
	return c
}

func (c *copyRow) Read(p []byte) (int, error) {
	n := 0
	for i := range c.parts {
		k := copy(p[n:], c.parts[i])
		c.parts[i] = c.parts[i][k:]
		n += k
		if len(c.parts[i]) > 0 {
			return n, nil
		}
	}
	return n, io.EOF
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

// chunkReader reads [off, end) of a blob, one query per chunk row it crosses. A row's bytes go from the
// driver's read buffer straight into the caller's p when it has room for them (a download's piece, see
// queries.MediaRead), or else into one buffer the reader keeps until Close.
type chunkReader struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	blob  uuid.UUID
	chunk int64
	off   int64
	end   int64
	own   []byte // a pooled buffer for callers that read less than a row at a time
	buf   []byte // what is left of the last row read into own
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.buf) == 0 {
		if c.off >= c.end {
			return 0, io.EOF
		}
		idx, within := c.off/c.chunk, c.off%c.chunk
		n := min(c.chunk-within, c.end-c.off)
		if int64(len(p)) >= n {
			if err := c.readRow(idx, within, p[:n]); err != nil {
				return 0, err
			}
			c.off += n
			return int(n), nil
		}
		if c.own == nil {
			c.own = media.GetBuffer()
		}
		if n > int64(len(c.own)) {
			c.own = make([]byte, n) // rows of a larger chunk size than today's
		}
		if err := c.readRow(idx, within, c.own[:n]); err != nil {
			return 0, err
		}
		c.buf = c.own[:n]
		c.off += n
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

// readRow reads len(dst) bytes of chunk row idx from within into dst.
func (c *chunkReader) readRow(idx, within int64, dst []byte) error {
	into := rowBytes{dst: dst}
	if err := c.pool.QueryRow(c.ctx, sqlReadChunk, c.blob, idx, within+1, len(dst)).Scan(&into); err != nil {
		return fmt.Errorf("reading media chunk %d: %w", idx, err)
	}
	if into.n != len(dst) {
		return fmt.Errorf("media chunk %d is %d bytes short", idx, len(dst)-into.n)
	}
	return nil
}

func (c *chunkReader) Close() error {
	c.buf = nil
	if c.own != nil {
		media.PutBuffer(c.own)
		c.own = nil
	}
	return nil
}

// rowBytes scans a bytea column into dst (pgtype.BytesScanner): the driver hands over its read buffer, which
// is copied once, instead of a new slice per row.
type rowBytes struct {
	dst []byte
	n   int
}

func (r *rowBytes) ScanBytes(v []byte) error {
	if len(v) > len(r.dst) {
		return fmt.Errorf("a media chunk is %d bytes, %d expected", len(v), len(r.dst))
	}
	r.n = copy(r.dst, v)
	return nil
}
