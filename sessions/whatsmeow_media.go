package sessions

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// waMediaType is the key-derivation info (and upload path) of a kind of file.
func waMediaType(kind string) whatsmeow.MediaType {
	switch kind {
	case "IMAGE", "STICKER":
		return whatsmeow.MediaImage
	case "VIDEO":
		return whatsmeow.MediaVideo
	case "AUDIO":
		return whatsmeow.MediaAudio
	}
	return whatsmeow.MediaDocument
}

// UploadMedia encrypts r into a temporary file, then uploads that file: whatsmeow's UploadReader, so that
// the file is never whole in memory whatever its size. The temporary file is removed at once.
func (c *waClient) UploadMedia(ctx context.Context, kind string, r io.Reader) (*WAMedia, error) {
	if !c.cli.IsLoggedIn() {
		return nil, ErrWANotConnected
	}
	tmp, err := os.CreateTemp("", "aezen-wa-upload-*")
	if err != nil {
		return nil, fmt.Errorf("preparing the upload: %w", err)
	}
	defer func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}()
	kindType := waMediaType(kind)
	resp, err := c.cli.UploadReader(ctx, r, tmp, kindType)
	if err != nil {
		return nil, err
	}
	return &WAMedia{FileLength: resp.FileLength, URL: resp.URL, DirectPath: resp.DirectPath, MediaKey: resp.MediaKey,
		FileSHA256: resp.FileSHA256, FileEncSHA256: resp.FileEncSHA256, MediaType: string(kindType)}, nil
}

func (c *waClient) SendMedia(ctx context.Context, to, id string, m WAOutMedia) error {
	jid, err := types.ParseJID(to)
	if err != nil || jid.User == "" {
		return ErrWABadRecipient
	}
	msg, err := mediaMessage(m, c.quoteContext(jid, m.Quote))
	if err != nil {
		return err
	}
	if !c.cli.IsLoggedIn() {
		return ErrWANotConnected
	}
	_, err = c.cli.SendMessage(ctx, jid, msg, whatsmeow.SendRequestExtra{ID: id})
	return err
}

// mediaMessage is the WhatsApp message that carries an uploaded file as its kind.
func mediaMessage(m WAOutMedia, quote *waE2E.ContextInfo) (*waE2E.Message, error) {
	f := m.File
	if f == nil {
		return nil, fmt.Errorf("no uploaded file for a %s message", m.Kind)
	}
	caption := func() *string {
		if m.Caption == "" {
			return nil
		}
		return proto.String(m.Caption)
	}
	length := f.FileLength
	switch m.Kind {
	case "IMAGE":
		return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: caption(), ContextInfo: quote, Mimetype: proto.String(f.MimeType),
			URL: proto.String(f.URL), DirectPath: proto.String(f.DirectPath), MediaKey: f.MediaKey,
			FileEncSHA256: f.FileEncSHA256, FileSHA256: f.FileSHA256, FileLength: &length}}, nil
	case "VIDEO":
		return &waE2E.Message{VideoMessage: &waE2E.VideoMessage{Caption: caption(), ContextInfo: quote, Mimetype: proto.String(f.MimeType),
			URL: proto.String(f.URL), DirectPath: proto.String(f.DirectPath), MediaKey: f.MediaKey,
			FileEncSHA256: f.FileEncSHA256, FileSHA256: f.FileSHA256, FileLength: &length}}, nil
	case "AUDIO":
		mime := f.MimeType
		if m.Voice {
			mime = "audio/ogg; codecs=opus" // what WhatsApp's own voice notes declare
		}
		return &waE2E.Message{AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(m.Voice), ContextInfo: quote, Mimetype: proto.String(mime),
			URL: proto.String(f.URL), DirectPath: proto.String(f.DirectPath), MediaKey: f.MediaKey,
			FileEncSHA256: f.FileEncSHA256, FileSHA256: f.FileSHA256, FileLength: &length}}, nil
	case "STICKER":
		return &waE2E.Message{StickerMessage: &waE2E.StickerMessage{ContextInfo: quote, Mimetype: proto.String(f.MimeType),
			URL: proto.String(f.URL), DirectPath: proto.String(f.DirectPath), MediaKey: f.MediaKey,
			FileEncSHA256: f.FileEncSHA256, FileSHA256: f.FileSHA256, FileLength: &length}}, nil
	case "FILE":
		name := f.FileName
		if name == "" {
			name = "file"
		}
		return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{Caption: caption(), ContextInfo: quote, Mimetype: proto.String(f.MimeType),
			FileName: proto.String(name), Title: proto.String(name),
			URL: proto.String(f.URL), DirectPath: proto.String(f.DirectPath), MediaKey: f.MediaKey,
			FileEncSHA256: f.FileEncSHA256, FileSHA256: f.FileSHA256, FileLength: &length}}, nil
	}
	return nil, fmt.Errorf("%s is not a kind of file WhatsApp sends", m.Kind)
}

// DownloadMedia downloads by the attachment's direct path (the URL in a message may point at a host that
// has dropped it) into dst and decrypts it there; 404 and 410 mean the file expired on WhatsApp's side.
func (c *waClient) DownloadMedia(ctx context.Context, m *WAMedia, dst *os.File) error {
	if !c.cli.IsLoggedIn() {
		return ErrWANotConnected
	}
	if m == nil || m.DirectPath == "" {
		return fmt.Errorf("%w: the message names no file to download", ErrWAMediaExpired)
	}
	err := c.cli.DownloadMediaWithPathToFile(ctx, m.DirectPath, m.FileEncSHA256, m.FileSHA256, m.MediaKey, int(m.FileLength),
		whatsmeow.MediaType(m.MediaType), "", dst)
	return downloadError(err)
}

// downloadError names an expired file as such (ErrWAMediaExpired), keeping whatsmeow's error for the log.
func downloadError(err error) error {
	if errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith404) || errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith410) {
		return fmt.Errorf("%w (%v)", ErrWAMediaExpired, err)
	}
	return err
}

// RequestMediaRetry sends WhatsApp's media retry receipt; the key is kept until the phone answers, to
// decrypt the answer (see mediaRetried).
func (c *waClient) RequestMediaRetry(ctx context.Context, chat, sender, id string, mediaKey []byte) error {
	chatJID, err := types.ParseJID(chat)
	if err != nil {
		return ErrWABadRecipient
	}
	senderJID, _ := types.ParseJID(sender)
	if !c.cli.IsLoggedIn() {
		return ErrWANotConnected
	}
	c.retryKeys.Store(id, mediaKey)
	info := &types.MessageInfo{ID: id, MessageSource: types.MessageSource{Chat: chatJID, Sender: senderJID}}
	if err := c.cli.SendMediaRetryReceipt(ctx, info, mediaKey); err != nil {
		c.retryKeys.Delete(id)
		return err
	}
	return nil
}

// mediaRetried turns the phone's answer to a retry request into WAMediaRetry; answers to requests this
// client did not make are dropped.
func (c *waClient) mediaRetried(evt *events.MediaRetry) WhatsAppEvent {
	key, ok := c.retryKeys.LoadAndDelete(evt.MessageID)
	if !ok {
		return nil
	}
	return translateMediaRetry(evt, key.([]byte))
}

// translateMediaRetry decrypts the phone's answer with the attachment's media key.
func translateMediaRetry(evt *events.MediaRetry, mediaKey []byte) WhatsAppEvent {
	ev := WAMediaRetry{MessageID: evt.MessageID}
	notif, err := whatsmeow.DecryptMediaRetryNotification(evt, mediaKey)
	switch {
	case errors.Is(err, whatsmeow.ErrMediaNotAvailableOnPhone):
		ev.Err = "the phone no longer has the file"
	case err != nil:
		ev.Err = "the phone's answer could not be read: " + err.Error()
	case notif.GetResult() != waMmsRetry.MediaRetryNotification_SUCCESS || notif.GetDirectPath() == "":
		ev.Err = "the phone could not upload the file again (" + notif.GetResult().String() + ")"
	default:
		ev.DirectPath = notif.GetDirectPath()
	}
	return ev
}
