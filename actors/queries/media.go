package queries

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/media"
)

// MediaUploadBegin answers ops.OpMediaUploadBegin: it starts streaming into the tenant's media store.
func MediaUploadBegin(_ context.Context, s *Scope, in ops.MediaUploadBegin) (ops.MediaUpload, error) {
	if in.MimeType == "" {
		return ops.MediaUpload{}, domain.BadRequest("an upload needs its sniffed type")
	}
	cfg := s.Node.Deps().Config
	id := s.Uploads.Begin(s.Media, media.PutInput{MimeType: in.MimeType, FileName: in.FileName, MaxBytes: cfg.MediaMaxBytes})
	return ops.MediaUpload{UploadID: id}, nil
}

// MediaUploadWrite answers ops.OpMediaUploadWrite: the piece is answered once the store has taken it.
func MediaUploadWrite(_ context.Context, s *Scope, in ops.MediaUploadPiece) (ops.None, error) {
	if len(in.Data) > media.ChunkSize {
		return ops.None{}, domain.BadRequest("an upload piece is at most %d bytes", media.ChunkSize)
	}
	return ops.None{}, s.Uploads.Write(in.UploadID, in.Seq, in.Data)
}

// MediaUploadFinish answers ops.OpMediaUploadFinish with the stored object and its signed URL.
func MediaUploadFinish(ctx context.Context, s *Scope, in ops.MediaUpload) (media.Object, error) {
	obj, err := s.Uploads.Finish(ctx, in.UploadID)
	if err != nil {
		return media.Object{}, err
	}
	s.Signer.Sign(s.TenantID, &obj, time.Now())
	return obj, nil
}

// MediaUploadAbort answers ops.OpMediaUploadAbort: what was written is dropped.
func MediaUploadAbort(_ context.Context, s *Scope, in ops.MediaUpload) (ops.None, error) {
	s.Uploads.Abort(in.UploadID)
	return ops.None{}, nil
}

// MediaStat answers ops.OpMediaStat with the object and its signed URL.
func MediaStat(ctx context.Context, s *Scope, in ops.MediaRef) (media.Object, error) {
	if err := s.mediaVisible(ctx, in.MediaID); err != nil {
		return media.Object{}, err
	}
	obj, err := s.Media.Stat(ctx, in.MediaID)
	if err != nil {
		return media.Object{}, err
	}
	s.Signer.Sign(s.TenantID, &obj, time.Now())
	return obj, nil
}

// MediaRead answers ops.OpMediaRead with one range of at most media.ChunkSize bytes, read into a buffer of
// media's pool: the answer owns it, and its receiver may give it back (media.PutBuffer) once it has sent
// the bytes on.
func MediaRead(ctx context.Context, s *Scope, in ops.MediaReadInput) (ops.MediaPiece, error) {
	if in.Length <= 0 || in.Length > media.ChunkSize {
		return ops.MediaPiece{}, domain.BadRequest("a media read is 1 to %d bytes", media.ChunkSize)
	}
	if err := s.mediaVisible(ctx, in.MediaID); err != nil {
		return ops.MediaPiece{}, err
	}
	rc, err := s.Media.Get(ctx, in.MediaID, media.Range{Offset: in.Offset, Length: in.Length})
	if err != nil {
		return ops.MediaPiece{}, err
	}
	defer rc.Close()
	buf := media.GetBuffer()
	n, err := io.ReadFull(rc, buf[:in.Length])
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("media %s ended %d bytes early", in.MediaID, in.Length-int64(n))
	}
	if err != nil {
		media.PutBuffer(buf)
		return ops.MediaPiece{}, err
	}
	return ops.MediaPiece{Data: buf[:n]}, nil
}

// mediaVisible applies the agent visibility rule to a media object: an agent who sees only their own and
// unassigned conversations gets "not found" for a file that only others' conversations carry. A file no
// message carries yet (uploaded, not sent) stays the tenant's, like before the rule. Signed URLs carry no
// user: they were issued to someone who could see the message, and stay valid until they expire.
func (s *Scope) mediaVisible(ctx context.Context, id uuid.UUID) error {
	who := s.visibleTo()
	if who == nil {
		return nil
	}
	ok, err := s.Store.MediaVisibleTo(ctx, id, *who)
	if err != nil {
		return err
	}
	if !ok {
		return media.NotFound()
	}
	return nil
}
