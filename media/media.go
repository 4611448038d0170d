// Package media is the engine's file store: the Store interface every caller uses (uploads, downloads,
// WhatsApp media), the type policy (types are sniffed from the bytes), signed expiring URLs, and the
// bridge that turns an upload arriving in pieces (from another cluster member) into the io.Reader Store.Put
// takes. It imports nothing of the engine but domain; the default Store, in the tenant's own database, is
// package media/pgstore, and an S3-compatible one can be added next to it without touching callers.
package media

import (
	"context"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// Object describes one stored file. A Store holds one tenant's files: ids are unique within it and another
// tenant's id is simply not found.
type Object struct {
	MediaID  uuid.UUID `json:"mediaId"`
	MimeType string    `json:"mimeType"`
	Size     int64     `json:"size"`
	FileName string    `json:"fileName"`
	// SHA256 is the hex digest of the bytes; identical bytes are stored once per tenant.
	SHA256 string `json:"sha256"`
	// State is READY when the bytes are there; a received file is PENDING while it downloads, FAILED if it could not be.
	State     string    `json:"state"`
	CreatedAt time.Time `json:"createdAt"`
	// URL is a signed, expiring link to GET /api/media/:mediaId, filled in at the API edge (Signer).
	URL string `json:"url,omitempty"`
}

// States of a media object.
const (
	StatePending = "PENDING"
	StateReady   = "READY"
	StateFailed  = "FAILED"
)

// ETag is the object's entity tag: its digest, which never changes for a media id.
func (o Object) ETag() string { return `"` + o.SHA256 + `"` }

// PutInput is what a Store records next to the bytes. MimeType has already been sniffed and checked
// (Policy.Sniff); MaxBytes bounds the stream (ErrTooLarge above it).
type PutInput struct {
	MimeType string
	FileName string
	MaxBytes int64
}

// Range is a byte range of an object: Length bytes from Offset (Length < 0 means to the end).
type Range struct {
	Offset int64
	Length int64
}

// Store keeps one tenant's files. Implementations stream: Put reads r piece by piece and Get returns a
// reader that fetches piece by piece, so no file is ever whole in memory.
type Store interface {
	// Put stores what r yields and describes it. When the tenant already holds identical bytes, they are
	// not stored again: the new object shares them (its own id, type and name, the same digest).
	Put(ctx context.Context, r io.Reader, in PutInput) (Object, error)
	// Stat describes an object, or fails with a domain not-found error.
	Stat(ctx context.Context, id uuid.UUID) (Object, error)
	// Get reads a range of an object's bytes; the caller closes the reader. The range must lie within
	// the object (see Object, ParseRange).
	Get(ctx context.Context, id uuid.UUID, r Range) (io.ReadCloser, error)
	// Complete stores the bytes of a PENDING object (one recorded before its file arrived, such as a
	// WhatsApp attachment still to download) and makes it READY, keeping its id. Completing an object that
	// is READY already stores nothing and describes it.
	Complete(ctx context.Context, id uuid.UUID, r io.Reader, maxBytes int64) (Object, error)
	// Fail marks a PENDING object FAILED with a reason its users can read.
	Fail(ctx context.Context, id uuid.UUID, reason string) error
}

// Errors every Store and the API share.
var (
	// ErrTooLarge: the file is above the size limit (413).
	ErrTooLarge = &domain.Error{Code: domain.CodeTooLarge, Message: "file is larger than the media size limit"}
)

// NotFound is the error of an id the tenant does not have.
func NotFound() error { return domain.NotFound("media") }

// LimitReader reads at most max bytes from r and fails with ErrTooLarge if r holds more.
func LimitReader(r io.Reader, max int64) io.Reader { return &limitReader{r: r, left: max} }

type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n - int(-l.left), ErrTooLarge
	}
	return n, err
}
