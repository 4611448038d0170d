package sessions

import "strings"

// WAOutMedia is a file to send on WhatsApp: uploaded first (WhatsAppClient.UploadMedia), then sent as a
// message of its kind.
type WAOutMedia struct {
	// Kind is the engine's content type: IMAGE, VIDEO, AUDIO, FILE or STICKER.
	Kind string
	// Caption is shown under images, videos and documents (WhatsApp shows none on audio and stickers).
	Caption string
	// Voice sends AUDIO as a push-to-talk voice note (played inline, like one recorded on a phone).
	Voice bool
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
