package fakewhatsapp

import (
	"context"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/sessions"
)

// Upload is a file a fake client uploaded: its kind, size and digest (the bytes themselves are not kept,
// so a large upload costs the fake no memory).
type Upload struct {
	ChannelID uuid.UUID
	Kind      string
	Size      int64
	SHA256    []byte
	Err       error
	At        time.Time
}

// UploadMedia reads the whole stream, as WhatsApp's upload would, and records its size and digest; it fails
// with the next error queued by FailNextUploads.
func (c *Client) UploadMedia(ctx context.Context, kind string, r io.Reader) (*sessions.WAMedia, error) {
	f := c.f
	f.mu.Lock()
	connected := c.connected
	var err error
	if len(f.uploadErrs) > 0 {
		err, f.uploadErrs = f.uploadErrs[0], f.uploadErrs[1:]
	}
	f.mu.Unlock()
	if !connected {
		err = sessions.ErrWANotConnected
	}
	var h hash.Hash = sha256.New()
	var n int64
	if err == nil {
		n, err = io.Copy(h, &ctxReader{ctx: ctx, r: r})
	}
	up := Upload{ChannelID: c.channelID, Kind: kind, Size: n, Err: err, At: time.Now()}
	if err == nil {
		up.SHA256 = h.Sum(nil)
	}
	f.mu.Lock()
	f.uploads = append(f.uploads, up)
	idx := len(f.uploads)
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return &sessions.WAMedia{FileLength: uint64(n), URL: fmt.Sprintf("https://mmg.fake/%d", idx),
		DirectPath: fmt.Sprintf("/v/fake/%d", idx), MediaKey: []byte{byte(idx)}, FileSHA256: up.SHA256,
		FileEncSHA256: up.SHA256, MediaType: kind}, nil
}

// SendMedia records the send like SendText, with the media it carried.
func (c *Client) SendMedia(_ context.Context, to, id string, m sessions.WAOutMedia) error {
	f := c.f
	f.mu.Lock()
	defer f.mu.Unlock()
	var err error
	switch {
	case !c.connected:
		err = sessions.ErrWANotConnected
	case f.numbers.notOn[to]:
		err = errNoAccount
	case len(f.sendErrs) > 0:
		err, f.sendErrs = f.sendErrs[0], f.sendErrs[1:]
	}
	cp := m
	if m.File != nil {
		file := *m.File
		cp.File = &file
	}
	f.sent = append(f.sent, Sent{ChannelID: c.channelID, To: to, ID: id, Text: m.Caption, Media: &cp, Err: err, At: time.Now()})
	return err
}

// FailNextUploads makes the next uploads fail with these errors, in order.
func (f *WhatsApp) FailNextUploads(errs ...error) {
	f.mu.Lock()
	f.uploadErrs = append(f.uploadErrs, errs...)
	f.mu.Unlock()
}

// Uploads returns every upload attempt so far.
func (f *WhatsApp) Uploads() []Upload {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Upload(nil), f.uploads...)
}

// ctxReader stops reading once ctx is done, as a network upload would.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
