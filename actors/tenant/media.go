package tenant

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/media"
	"github.com/aezen/engine/media/pgstore"
	"github.com/aezen/engine/sessions"
)

// uploadIdle is how long an upload may wait for its next piece before it is dropped.
const uploadIdle = 30 * time.Second

// openMedia gives the tenant its media store: the default one, in the tenant's own database.
func (t *tenantActor) openMedia(pool *pgxpool.Pool) {
	cfg := t.node.Deps().Config
	t.media = pgstore.New(pool)
	t.store.Media = t.media
	t.uploads = media.NewUploads(uploadIdle)
	t.signer = media.NewSigner(cfg.JWTSecret, cfg.MediaURLTTL, cfg.PublicURL)
	tenantID, signer := t.tenantID, t.signer
	t.store.MediaURL = func(id uuid.UUID) string { return signer.URL(tenantID, id, time.Now()) }
}

// inboundMediaStored continues an inbound API-channel message once its file is in the store.
type inboundMediaStored struct {
	channelID uuid.UUID
	msg       ops.InboundInput
	done      func(ops.InboundResult, error)
	err       error
}

// storeInboundMedia puts the file of an inbound message into the tenant's store off the mailbox (the type
// is sniffed from the bytes, as for uploads), then hands the message on like any other, with its media.
func (t *tenantActor) storeInboundMedia(ctx actor.Context, channelID uuid.UUID, msg ops.InboundInput, done func(ops.InboundResult, error)) {
	cfg := t.node.Deps().Config
	store, self, root := t.media, ctx.Self(), ctx.ActorSystem().Root
	fetcher := t.node.Deps().Channels.Fetcher
	go func() {
		res := &inboundMediaStored{channelID: channelID, msg: msg, done: done}
		defer func() { root.Send(self, res) }()
		c, cancel := context.WithTimeout(context.Background(), cfg.RequestTimeout)
		defer cancel()
		policy := media.NewPolicy(cfg.MediaMaxBytes, cfg.MediaAllowedTypes)
		body, err := inboundMediaBody(c, fetcher, msg.Media, cfg.MediaMaxBytes)
		if err != nil {
			res.err = err
			return
		}
		defer body.Close()
		typ, r, err := policy.Sniff(body, msg.Media.MimeType)
		if err != nil {
			res.err = err
			return
		}
		obj, err := store.Put(c, r, media.PutInput{MimeType: typ, FileName: msg.Media.FileName, MaxBytes: cfg.MediaMaxBytes})
		if err != nil {
			res.err = err
			return
		}
		res.msg.StoredMediaID = &obj.MediaID
		res.msg.Media = nil
		if res.msg.ContentType == "" || res.msg.ContentType == domain.ContentText {
			res.msg.ContentType = contentTypeOf(typ)
		}
	}()
}

func (t *tenantActor) inboundMediaStored(ctx actor.Context, m *inboundMediaStored) {
	if m.err != nil {
		m.done(ops.InboundResult{}, m.err)
		return
	}
	t.acceptInbound(ctx, m.channelID, m.msg, m.done)
}

// contentTypeOf is the message content type of a file type.
func contentTypeOf(mimeType string) string {
	switch {
	case strings.HasPrefix(mimeType, "image/"):
		return domain.ContentImage
	case strings.HasPrefix(mimeType, "video/"):
		return domain.ContentVideo
	case strings.HasPrefix(mimeType, "audio/"):
		return domain.ContentAudio
	}
	return domain.ContentFile
}

// checkMediaSend refuses a file send the chat's channel cannot deliver as asked: API and WhatsApp channels
// send files; WhatsApp shows no caption on audio (voice notes) and stickers, so a caption there is a 400
// rather than text the customer would never see.
func checkMediaSend(platform string, in ops.SendInput) error {
	if in.MediaID == nil {
		return nil
	}
	switch platform {
	case domain.PlatformAPI:
		return nil
	case domain.PlatformWhatsApp:
		if in.Content != "" && !sessions.CaptionAllowed(in.ContentType) {
			return domain.InvalidField("content", "WhatsApp shows no caption on "+in.ContentType+" messages; send the text separately")
		}
		return nil
	}
	return domain.InvalidField("mediaId", "files cannot be sent on "+platform+" channels")
}

// inboundMediaBody is the stream of an inbound file: its inline bytes, or the answer of its url, fetched
// under the webhooks' address guard (sessions.Fetcher). A refused or failed fetch is a 400 naming media.url
// with a category (never the addresses tried); a file over the limit a 413.
func inboundMediaBody(ctx context.Context, fetcher *sessions.Fetcher, m *ops.InboundMedia, max int64) (io.ReadCloser, error) {
	if m.URL == "" {
		if int64(len(m.Data)) > max {
			return nil, media.ErrTooLarge
		}
		return io.NopCloser(bytes.NewReader(m.Data)), nil
	}
	if fetcher == nil {
		return nil, domain.InvalidField("media.url", "files cannot be fetched by URL on this node")
	}
	body, err := fetcher.Fetch(ctx, m.URL, max)
	switch {
	case errors.Is(err, sessions.ErrFileTooLarge):
		return nil, media.ErrTooLarge
	case err != nil:
		return nil, domain.InvalidField("media.url", sessions.FetchError(err))
	}
	return &fetchedBody{ReadCloser: body}, nil
}

// fetchedBody names a failure while reading a fetched file as the URL's fault (a 400), not the store's.
type fetchedBody struct{ io.ReadCloser }

func (b *fetchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = domain.InvalidField("media.url", sessions.FetchError(err))
	}
	return n, err
}
