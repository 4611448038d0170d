package channels

import (
	"context"
	"errors"
	"fmt"

	"github.com/aezen/engine/media"
	"github.com/aezen/engine/sessions"
)

// sendFunc is one send attempt of the outbox's next message, to run off the mailbox. A text goes out as
// text; a file is streamed from the tenant's media store into WhatsApp's upload (never whole in memory),
// then sent as its kind. An upload is made once per message: a retry sends the upload kept in s.uploaded.
func (s *whatsappSession) sendFunc(m sessions.Outbound, client sessions.WhatsAppClient) func() *waSendDone {
	timeout := s.waTimeout()
	quote := waQuote(m.ReplyTo)
	if m.Action != nil {
		return func() *waSendDone {
			c, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			return &waSendDone{msg: m, err: client.SendAction(c, m.To, *m.Action)}
		}
	}
	if m.Media == nil {
		return func() *waSendDone {
			c, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			return &waSendDone{msg: m, err: client.SendText(c, m.To, m.PlatformMessageID, m.Content, quote)}
		}
	}
	// A file of up to AEZEN_MEDIA_MAX_BYTES must be read from the store and uploaded: more than one call's time.
	timeout *= 4
	uploaded, store := s.uploaded[m.MessageID], s.store.Media
	return func() *waSendDone {
		c, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		res := &waSendDone{msg: m}
		file := uploaded
		if file == nil {
			file, res.err = uploadFromStore(c, client, store, m)
			if res.err != nil {
				return res
			}
			res.uploaded = file
		}
		out := sessions.WAOutMedia{Kind: m.ContentType, File: file, Quote: quote,
			Voice: m.ContentType == "AUDIO" && sessions.VoiceNote(m.Media.MimeType)}
		if sessions.CaptionAllowed(m.ContentType) {
			out.Caption = m.Content
		}
		res.err = client.SendMedia(c, m.To, m.PlatformMessageID, out)
		return res
	}
}

// uploadFromStore streams a message's file from the media store into a WhatsApp upload.
func uploadFromStore(ctx context.Context, client sessions.WhatsAppClient, store media.Store, m sessions.Outbound) (*sessions.WAMedia, error) {
	if store == nil {
		return nil, errors.New("no media store")
	}
	rc, err := store.Get(ctx, m.Media.MediaID, media.Range{Offset: 0, Length: -1})
	if err != nil {
		return nil, fmt.Errorf("reading the file from the media store: %w", err)
	}
	defer rc.Close()
	file, err := client.UploadMedia(ctx, m.ContentType, rc)
	if err != nil {
		return nil, fmt.Errorf("uploading the file to WhatsApp: %w", err)
	}
	file.MimeType, file.FileName = m.Media.MimeType, m.Media.FileName
	return file, nil
}

// waQuote is the WhatsApp quote of a reply: the quoted message's WhatsApp id, whether the business sent it,
// and its text. A quoted message without a WhatsApp id (a note, or an import) cannot be quoted: the reply
// then goes out as a plain message.
func waQuote(r *sessions.OutboundReply) *sessions.WAQuote {
	if r == nil || r.PlatformMessageID == nil || *r.PlatformMessageID == "" {
		return nil
	}
	return &sessions.WAQuote{ID: *r.PlatformMessageID, FromMe: !r.FromCustomer, Text: r.Content}
}
