package media

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// ChunkSize is the size of the pieces an upload or a download crosses the cluster in, and of the rows
// the database store keeps: large enough that a 16 MiB file is 64 round trips, small enough that a piece
// in flight costs little memory.
const ChunkSize = 256 << 10

// Uploads turns uploads that arrive as numbered pieces (one tenant operation each, possibly from another
// cluster member) into the io.Reader that Store.Put consumes, so every store streams the same way whoever
// feeds it. Each upload runs Put on a goroutine reading from a pipe; a piece is answered once Put has taken
// it, which paces the sender to the store. An upload that gets no piece for the idle time is aborted and
// its partial bytes are dropped by the store.
type Uploads struct {
	mu   sync.Mutex
	m    map[uuid.UUID]*upload
	idle time.Duration
}

type upload struct {
	mu    sync.Mutex // serialises pieces of one upload (a retried piece waits for the first try)
	pw    *io.PipeWriter
	next  int
	timer *time.Timer
	done  chan struct{}
	obj   Object
	err   error
}

// NewUploads makes an empty registry; idle is how long an upload may wait for its next piece.
func NewUploads(idle time.Duration) *Uploads {
	return &Uploads{m: make(map[uuid.UUID]*upload), idle: idle}
}

var errUploadGone = domain.Conflict("the upload is unknown here (it timed out, or the tenant moved to another member): start it again")

// Begin starts an upload into store and answers its id.
func (u *Uploads) Begin(store Store, in PutInput) uuid.UUID {
	id := uuid.New()
	pr, pw := io.Pipe()
	up := &upload{pw: pw, done: make(chan struct{})}
	up.timer = time.AfterFunc(u.idle, func() { u.abort(id, domain.Conflict("the upload stalled")) })
	u.mu.Lock()
	u.m[id] = up
	u.mu.Unlock()
	go func() {
		defer close(up.done)
		up.obj, up.err = store.Put(context.Background(), pr, in)
		_ = pr.CloseWithError(errUploadGone) // unblock a writer if Put stopped early (too large, failed)
	}()
	return id
}

// Write hands piece seq (0, 1, 2 ...) of an upload to its store. A piece that was already taken (a retry
// after a lost answer) is accepted again without effect, and without reading data. Write keeps no
// reference to data: once it returns, the store has copied the piece, so a caller that got an answer may
// reuse its buffer (httpapi's upload does).
func (u *Uploads) Write(id uuid.UUID, seq int, data []byte) error {
	up := u.get(id)
	if up == nil {
		return errUploadGone
	}
	up.mu.Lock()
	defer up.mu.Unlock()
	switch {
	case seq < up.next:
		return nil
	case seq > up.next:
		return domain.Conflict("upload piece %d arrived before piece %d", seq, up.next)
	}
	up.timer.Reset(u.idle)
	if _, err := up.pw.Write(data); err != nil {
		<-up.done
		u.forget(id)
		if up.err != nil {
			return up.err
		}
		return err
	}
	up.next++
	return nil
}

// Finish ends an upload and answers the stored object (or the store's error).
func (u *Uploads) Finish(ctx context.Context, id uuid.UUID) (Object, error) {
	up := u.get(id)
	if up == nil {
		return Object{}, errUploadGone
	}
	up.mu.Lock()
	up.timer.Stop()
	_ = up.pw.Close()
	up.mu.Unlock()
	select {
	case <-up.done:
	case <-ctx.Done():
		return Object{}, ctx.Err()
	}
	u.forget(id)
	return up.obj, up.err
}

// Abort drops an upload; when it returns, its store has discarded what it had written.
func (u *Uploads) Abort(id uuid.UUID) { u.abort(id, domain.Conflict("the upload was cancelled")) }

// Close aborts every upload (the tenant is passivating).
func (u *Uploads) Close() {
	u.mu.Lock()
	ids := make([]uuid.UUID, 0, len(u.m))
	for id := range u.m {
		ids = append(ids, id)
	}
	u.mu.Unlock()
	for _, id := range ids {
		u.abort(id, errUploadGone)
	}
}

// abort stops an upload and returns once its store has dropped what it wrote.
func (u *Uploads) abort(id uuid.UUID, why error) {
	if up := u.forget(id); up != nil {
		_ = up.pw.CloseWithError(why)
		<-up.done
	}
}

func (u *Uploads) get(id uuid.UUID) *upload {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.m[id]
}

func (u *Uploads) forget(id uuid.UUID) *upload {
	u.mu.Lock()
	defer u.mu.Unlock()
	up := u.m[id]
	delete(u.m, id)
	if up != nil {
		up.timer.Stop()
	}
	return up
}
