package sessions

import (
	"errors"
	"strings"
)

// WAOutMedia is a file to send on WhatsApp: uploaded first (WhatsAppClient.UploadMedia), then sent as a
// message of its kind.
type WAOutMedia struct {
	// Kind is the engine's content type: IMAGE, VIDEO, AUDIO, FILE or STICKER.
	Kind string
	// Caption is shown under images, videos and documents (WhatsApp shows none on audio and stickers).
	Caption string
	// Voice sends AUDIO as a push-to-talk voice note (played inline, like one recorded on a phone).
	Voice bool
	// Quote, when set, makes the file a reply.
	Quote *WAQuote
	// File is the upload, with the file's MimeType and FileName filled in by the sender.
	File *WAMedia
}

// VoiceNote reports whether an AUDIO file of this type goes out as a push-to-talk voice note: WhatsApp's
// voice notes are Ogg/Opus, and the sniffed type of an Ogg file is audio/ogg (or audio/opus).
func VoiceNote(mimeType string) bool {
	t, _, _ := strings.Cut(strings.ToLower(mimeType), ";")
	t = strings.TrimSpace(t)
	return t == "audio/ogg" || t == "audio/opus"
}

// CaptionAllowed reports whether WhatsApp shows a caption on a file of this kind.
func CaptionAllowed(kind string) bool { return kind != "AUDIO" && kind != "STICKER" }

// ErrWAMediaExpired is an attachment WhatsApp's servers no longer have (404/410): only the phone that sent
// it can upload it again (RequestMediaRetry).
var ErrWAMediaExpired = errors.New("the file is no longer on WhatsApp's servers")

// WAMediaRetry is the phone's answer to RequestMediaRetry: the attachment's new DirectPath, or why not
// (Err, such as the phone no longer having the file).
type WAMediaRetry struct {
	MessageID  string
	DirectPath string
	Err        string
}
