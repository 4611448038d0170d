package pgstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/media"
	"github.com/aezen/engine/media/pgstore"
	"github.com/aezen/engine/persistence"
)

// tenantPool creates a migrated tenant database on the test server and drops it when the test ends.
func tenantPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	url, name := tenantDatabase(t)
	dbURL, _ := persistence.WithDatabase(url, name)
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// tenantDatabase creates a migrated tenant database on the test server, answers the server's URL and the
// database's name, and drops it when the test ends.
func tenantDatabase(t *testing.T) (string, string) {
	t.Helper()
	url := os.Getenv("AEZEN_TEST_DATABASE_URL")
	if url == "" {
		t.Fatal("AEZEN_TEST_DATABASE_URL is not set: run the tests with `make test`")
	}
	ctx := context.Background()
	admin, err := persistence.NewAdmin(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 6)
	_, _ = rand.Read(raw)
	name := "aezen_test_media_" + hex.EncodeToString(raw)
	if _, err := admin.EnsureDatabase(ctx, name); err != nil {
		t.Fatal(err)
	}
	if err := persistence.MigrateDatabase(ctx, url, name, persistence.TenantSchema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = admin.DropDatabase(context.Background(), name)
		admin.Close()
	})
	return url, name
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func count(t *testing.T, pool *pgxpool.Pool, sql string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPutGetRangesAndDedupe(t *testing.T) {
	ctx := context.Background()
	pool := tenantPool(t)
	s := pgstore.New(pool)
	data := randomBytes(2*media.ChunkSize + 1234) // three chunk rows, the last one short
	obj, err := s.Put(ctx, bytes.NewReader(data), media.PutInput{MimeType: "image/png", FileName: "a.png", MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if obj.Size != int64(len(data)) || obj.SHA256 != hex.EncodeToString(sum[:]) || obj.State != media.StateReady || obj.FileName != "a.png" {
		t.Fatalf("object = %+v", obj)
	}
	if n := count(t, pool, `SELECT count(*) FROM media_chunks`); n != 3 {
		t.Fatalf("%d chunk rows, want 3", n)
	}
	// Every range is read three ways that must agree: into a buffer of a whole chunk (each row's bytes go
	// straight into it), in reads of 1000 bytes (through the reader's own buffer) and with io.ReadAll (both).
	read := func(rng media.Range) []byte {
		t.Helper()
		var got [3][]byte
		for i, step := range []int{media.ChunkSize, 1000, 0} {
			rc, err := s.Get(ctx, obj.MediaID, rng)
			if err != nil {
				t.Fatal(err)
			}
			if step == 0 {
				got[i], err = io.ReadAll(rc)
			} else {
				buf := make([]byte, step)
				for err == nil {
					var n int
					n, err = rc.Read(buf)
					got[i] = append(got[i], buf[:n]...)
				}
				if errors.Is(err, io.EOF) {
					err = nil
				}
			}
			_ = rc.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got[0], got[1]) || !bytes.Equal(got[0], got[2]) {
			t.Fatalf("range %+v: %d, %d and %d bytes that differ by the size of the reads", rng, len(got[0]), len(got[1]), len(got[2]))
		}
		return got[0]
	}
	if !bytes.Equal(read(media.Range{Length: -1}), data) {
		t.Fatal("whole file differs")
	}
	// A range across the first chunk boundary, and the last byte.
	from := int64(media.ChunkSize - 10)
	if got := read(media.Range{Offset: from, Length: 20}); !bytes.Equal(got, data[from:from+20]) {
		t.Fatal("range across chunks differs")
	}
	if got := read(media.Range{Offset: int64(len(data) - 1), Length: 1}); !bytes.Equal(got, data[len(data)-1:]) {
		t.Fatal("last byte differs")
	}
	// From within the first row to the end: a short first read, then whole rows.
	from = media.ChunkSize / 3
	if got := read(media.Range{Offset: from, Length: -1}); !bytes.Equal(got, data[from:]) {
		t.Fatal("range from within a row to the end differs")
	}
	if _, err := s.Get(ctx, obj.MediaID, media.Range{Offset: int64(len(data)), Length: 5}); err == nil {
		t.Fatal("a range past the end was served")
	}

	// The same bytes again, under another name: a new media id sharing the one blob.
	again, err := s.Put(ctx, bytes.NewReader(data), media.PutInput{MimeType: "image/png", FileName: "b.png"})
	if err != nil {
		t.Fatal(err)
	}
	if again.MediaID == obj.MediaID || again.SHA256 != obj.SHA256 || again.FileName != "b.png" {
		t.Fatalf("second upload = %+v", again)
	}
	if n := count(t, pool, `SELECT count(*) FROM media_blobs`); n != 1 {
		t.Fatalf("%d blobs after storing the same bytes twice, want 1", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM media_chunks`); n != 3 {
		t.Fatalf("%d chunk rows after storing the same bytes twice, want 3", n)
	}
	st, err := s.Stat(ctx, again.MediaID)
	if err != nil || st.Size != obj.Size || st.MimeType != "image/png" {
		t.Fatalf("stat = %+v, %v", st, err)
	}
	if _, err := s.Stat(ctx, uuid.New()); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("stat of an unknown id: %v", err)
	}
}

func TestPutTooLargeLeavesNothing(t *testing.T) {
	ctx := context.Background()
	pool := tenantPool(t)
	s := pgstore.New(pool)
	_, err := s.Put(ctx, bytes.NewReader(randomBytes(media.ChunkSize+10)), media.PutInput{MimeType: "image/png", MaxBytes: media.ChunkSize})
	if !errors.Is(err, media.ErrTooLarge) {
		t.Fatalf("err = %v, want too large", err)
	}
	if n := count(t, pool, `SELECT count(*) FROM media_blobs`) + count(t, pool, `SELECT count(*) FROM media_chunks`); n != 0 {
		t.Fatalf("%d rows left after a refused upload", n)
	}
	// Exactly at the limit is fine.
	if _, err := s.Put(ctx, bytes.NewReader(randomBytes(media.ChunkSize)), media.PutInput{MimeType: "image/png", MaxBytes: media.ChunkSize}); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentIdenticalUploads stores the same bytes from several goroutines at once: one blob survives.
func TestConcurrentIdenticalUploads(t *testing.T) {
	ctx := context.Background()
	pool := tenantPool(t)
	s := pgstore.New(pool)
	data := randomBytes(media.ChunkSize + 1)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Put(ctx, bytes.NewReader(data), media.PutInput{MimeType: "application/pdf"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM media_blobs`); n != 1 {
		t.Fatalf("%d blobs, want 1", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM media`); n != 4 {
		t.Fatalf("%d media rows, want 4", n)
	}
}

// TestUploadsFeedPutInPieces drives the piece-by-piece bridge the API uses across cluster members: pieces in
// order (one repeated, as a retry would), then a piece out of order, then an upload left to stall.
func TestUploadsFeedPutInPieces(t *testing.T) {
	ctx := context.Background()
	pool := tenantPool(t)
	s := pgstore.New(pool)
	ups := media.NewUploads(200 * time.Millisecond)
	data := randomBytes(3*media.ChunkSize - 7)
	id := ups.Begin(s, media.PutInput{MimeType: "video/mp4", FileName: "v.mp4", MaxBytes: 1 << 20})
	for seq, off := 0, 0; off < len(data); seq, off = seq+1, off+media.ChunkSize {
		piece := data[off:min(off+media.ChunkSize, len(data))]
		if err := ups.Write(id, seq, piece); err != nil {
			t.Fatal(err)
		}
		if seq == 1 {
			if err := ups.Write(id, seq, piece); err != nil { // a retried piece is taken once
				t.Fatal(err)
			}
		}
	}
	obj, err := ups.Finish(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if obj.Size != int64(len(data)) {
		t.Fatalf("size %d, want %d", obj.Size, len(data))
	}
	rc, _ := s.Get(ctx, obj.MediaID, media.Range{Length: -1})
	got, _ := io.ReadAll(rc)
	if !bytes.Equal(got, data) {
		t.Fatal("stored bytes differ")
	}

	gap := ups.Begin(s, media.PutInput{MimeType: "video/mp4"})
	if err := ups.Write(gap, 1, []byte("x")); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("out-of-order piece: %v", err)
	}
	ups.Abort(gap)

	stalled := ups.Begin(s, media.PutInput{MimeType: "video/mp4"})
	if err := ups.Write(stalled, 0, []byte("first")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for ups.Write(stalled, 1, []byte("late")) == nil {
		if time.Now().After(deadline) {
			t.Fatal("a stalled upload was never aborted")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for count(t, pool, `SELECT count(*) FROM media_blobs WHERE sha256 IS NULL`) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("an aborted upload left its blob")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCompleteAndFailPendingMedia: a PENDING row (as a received message records it) is completed in place,
// keeping its id, sharing identical bytes stored before; completing it again stores nothing; Fail marks only
// a PENDING row, with its reason.
func TestCompleteAndFailPendingMedia(t *testing.T) {
	pool := tenantPool(t)
	store := pgstore.New(pool)
	ctx := context.Background()
	data := randomBytes(media.ChunkSize + 10)
	first, err := store.Put(ctx, bytes.NewReader(data), media.PutInput{MimeType: "image/png", FileName: "a.png"})
	if err != nil {
		t.Fatal(err)
	}
	pending, failing := uuid.New(), uuid.New()
	for _, id := range []uuid.UUID{pending, failing} {
		if _, err := pool.Exec(ctx, `INSERT INTO media (media_id, mime_type, file_name, state) VALUES ($1, 'image/png', 'b.png', 'PENDING')`, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.Get(ctx, pending, media.Range{Length: -1}); err == nil {
		t.Fatal("a PENDING file was readable")
	}
	obj, err := store.Complete(ctx, pending, bytes.NewReader(data), 1<<30)
	if err != nil || obj.MediaID != pending || obj.State != media.StateReady || obj.SHA256 != first.SHA256 || obj.FileName != "b.png" {
		t.Fatalf("complete: %+v %v", obj, err)
	}
	rc, err := store.Get(ctx, pending, media.Range{Length: -1})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	if !bytes.Equal(got, data) {
		t.Fatal("the completed file reads other bytes")
	}
	var blobs int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM media_blobs`).Scan(&blobs)
	if blobs != 1 {
		t.Fatalf("%d blobs for identical bytes", blobs)
	}
	if again, err := store.Complete(ctx, pending, bytes.NewReader(randomBytes(10)), 1<<30); err != nil || again.SHA256 != first.SHA256 {
		t.Fatalf("completing a READY file changed it: %+v %v", again, err)
	}
	if _, err := store.Complete(ctx, failing, bytes.NewReader(randomBytes(100)), 10); !errors.Is(err, media.ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	if err := store.Fail(ctx, failing, "gone"); err != nil {
		t.Fatal(err)
	}
	var state, reason string
	_ = pool.QueryRow(ctx, `SELECT state::text, error FROM media WHERE media_id = $1`, failing).Scan(&state, &reason)
	if state != "FAILED" || reason != "gone" {
		t.Fatalf("failed row: %s %q", state, reason)
	}
	if err := store.Fail(ctx, pending, "late"); err == nil {
		t.Fatal("a READY file was marked FAILED")
	}
}

// TestStaleActivationStoresNoChunk: chunk rows go in with COPY, which the activation fence (tenant migration
// 009) holds to the same rule as the INSERT it replaced. Here the fence moves to a newer activation while
// an upload of the older one is under way, after its blob row: the next chunk is refused with the fence's
// error (which makes the engine retry on the tenant's new member) and no chunk row is left.
func TestStaleActivationStoresNoChunk(t *testing.T) {
	ctx := context.Background()
	url, name := tenantDatabase(t)
	pools := persistence.NewPoolManager(url, 8, 2)
	open := func(epoch int64) *pgxpool.Pool {
		p, err := pools.OpenAt(ctx, name, epoch)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pools.Close(p) })
		c, err := p.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Release()
		if ok, err := persistence.MoveFence(ctx, c.Conn(), epoch); !ok || err != nil {
			t.Fatalf("activation %d moving the fence: %v %v", epoch, ok, err)
		}
		return p
	}
	first := pgstore.New(open(1))
	if _, err := first.Put(ctx, bytes.NewReader(randomBytes(1000)), media.PutInput{MimeType: "image/png"}); err != nil {
		t.Fatalf("the current activation's upload: %v", err)
	}
	var second *pgxpool.Pool
	moved := readFunc(func(p []byte) (int, error) {
		if second == nil {
			second = open(2)
		}
		return rand.Read(p)
	})
	_, err := first.Put(ctx, io.LimitReader(moved, 3*media.ChunkSize), media.PutInput{MimeType: "image/png"})
	if !persistence.IsStaleEpoch(err) {
		t.Fatalf("a stale activation's upload: %v, want the fence's refusal (SQLSTATE AZ001)", err)
	}
	if n := count(t, second, `SELECT count(*) FROM media_chunks`); n != 1 {
		t.Fatalf("%d chunk rows, want the first upload's 1", n)
	}
	if _, err := pgstore.New(second).Put(ctx, bytes.NewReader(randomBytes(media.ChunkSize+1)), media.PutInput{MimeType: "image/png"}); err != nil {
		t.Fatalf("the new activation's upload: %v", err)
	}
}

type readFunc func(p []byte) (int, error)

func (f readFunc) Read(p []byte) (int, error) { return f(p) }
