package sessions

import (
	"testing"

	"go.mau.fi/whatsmeow"
)

// TestMediaMessageKinds: each kind of file becomes WhatsApp's message of that kind with the upload's
// fields; AUDIO from an Ogg/Opus file is a push-to-talk voice note; documents keep their name.
func TestMediaMessageKinds(t *testing.T) {
	up := func(mime, name string) *WAMedia {
		return &WAMedia{MimeType: mime, FileName: name, FileLength: 42, URL: "https://mmg.example/x", DirectPath: "/v/t62/x",
			MediaKey: []byte{1}, FileSHA256: []byte{2}, FileEncSHA256: []byte{3}}
	}
	img, err := mediaMessage(WAOutMedia{Kind: "IMAGE", Caption: "hi", File: up("image/png", "")})
	if err != nil || img.GetImageMessage().GetCaption() != "hi" || img.GetImageMessage().GetMimetype() != "image/png" ||
		img.GetImageMessage().GetDirectPath() != "/v/t62/x" || img.GetImageMessage().GetFileLength() != 42 ||
		string(img.GetImageMessage().GetMediaKey()) != "\x01" {
		t.Fatalf("image: %v %v", img, err)
	}
	voice, _ := mediaMessage(WAOutMedia{Kind: "AUDIO", Voice: VoiceNote("audio/ogg"), File: up("audio/ogg", "")})
	if !voice.GetAudioMessage().GetPTT() || voice.GetAudioMessage().GetMimetype() != "audio/ogg; codecs=opus" {
		t.Fatalf("voice note: %v", voice)
	}
	mp3, _ := mediaMessage(WAOutMedia{Kind: "AUDIO", Voice: VoiceNote("audio/mpeg"), File: up("audio/mpeg", "")})
	if mp3.GetAudioMessage().GetPTT() || mp3.GetAudioMessage().GetMimetype() != "audio/mpeg" {
		t.Fatalf("mp3: %v", mp3)
	}
	doc, _ := mediaMessage(WAOutMedia{Kind: "FILE", Caption: "invoice", File: up("application/pdf", "invoice.pdf")})
	if doc.GetDocumentMessage().GetFileName() != "invoice.pdf" || doc.GetDocumentMessage().GetCaption() != "invoice" {
		t.Fatalf("document: %v", doc)
	}
	vid, _ := mediaMessage(WAOutMedia{Kind: "VIDEO", File: up("video/mp4", "")})
	st, _ := mediaMessage(WAOutMedia{Kind: "STICKER", File: up("image/webp", "")})
	if vid.GetVideoMessage() == nil || vid.GetVideoMessage().Caption != nil || st.GetStickerMessage().GetMimetype() != "image/webp" {
		t.Fatalf("video %v, sticker %v", vid, st)
	}
	if _, err := mediaMessage(WAOutMedia{Kind: "LOCATION", File: up("x/y", "")}); err == nil {
		t.Fatal("a LOCATION file was accepted")
	}
	if waMediaType("STICKER") != whatsmeow.MediaImage || waMediaType("FILE") != whatsmeow.MediaDocument {
		t.Fatal("media types")
	}
	if VoiceNote("audio/mp4") || !VoiceNote("audio/OGG; codecs=opus") || CaptionAllowed("AUDIO") || !CaptionAllowed("IMAGE") {
		t.Fatal("voice note and caption rules")
	}
}
