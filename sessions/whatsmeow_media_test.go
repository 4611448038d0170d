package sessions

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waMmsRetry"
	"go.mau.fi/whatsmeow/types/events"
	"go.mau.fi/whatsmeow/util/gcmutil"
	"go.mau.fi/whatsmeow/util/hkdfutil"
	"google.golang.org/protobuf/proto"
)

// TestMediaMessageKinds: each kind of file becomes WhatsApp's message of that kind with the upload's
// fields; AUDIO from an Ogg/Opus file is a push-to-talk voice note; documents keep their name.
func TestMediaMessageKinds(t *testing.T) {
	up := func(mime, name string) *WAMedia {
		return &WAMedia{MimeType: mime, FileName: name, FileLength: 42, URL: "https://mmg.example/x", DirectPath: "/v/t62/x",
			MediaKey: []byte{1}, FileSHA256: []byte{2}, FileEncSHA256: []byte{3}}
	}
	img, err := mediaMessage(WAOutMedia{Kind: "IMAGE", Caption: "hi", File: up("image/png", "")}, nil)
	if err != nil || img.GetImageMessage().GetCaption() != "hi" || img.GetImageMessage().GetMimetype() != "image/png" ||
		img.GetImageMessage().GetDirectPath() != "/v/t62/x" || img.GetImageMessage().GetFileLength() != 42 ||
		string(img.GetImageMessage().GetMediaKey()) != "\x01" {
		t.Fatalf("image: %v %v", img, err)
	}
	voice, _ := mediaMessage(WAOutMedia{Kind: "AUDIO", Voice: VoiceNote("audio/ogg"), File: up("audio/ogg", "")}, nil)
	if !voice.GetAudioMessage().GetPTT() || voice.GetAudioMessage().GetMimetype() != "audio/ogg; codecs=opus" {
		t.Fatalf("voice note: %v", voice)
	}
	mp3, _ := mediaMessage(WAOutMedia{Kind: "AUDIO", Voice: VoiceNote("audio/mpeg"), File: up("audio/mpeg", "")}, nil)
	if mp3.GetAudioMessage().GetPTT() || mp3.GetAudioMessage().GetMimetype() != "audio/mpeg" {
		t.Fatalf("mp3: %v", mp3)
	}
	doc, _ := mediaMessage(WAOutMedia{Kind: "FILE", Caption: "invoice", File: up("application/pdf", "invoice.pdf")}, nil)
	if doc.GetDocumentMessage().GetFileName() != "invoice.pdf" || doc.GetDocumentMessage().GetCaption() != "invoice" {
		t.Fatalf("document: %v", doc)
	}
	vid, _ := mediaMessage(WAOutMedia{Kind: "VIDEO", File: up("video/mp4", "")}, nil)
	st, _ := mediaMessage(WAOutMedia{Kind: "STICKER", File: up("image/webp", "")}, nil)
	if vid.GetVideoMessage() == nil || vid.GetVideoMessage().Caption != nil || st.GetStickerMessage().GetMimetype() != "image/webp" {
		t.Fatalf("video %v, sticker %v", vid, st)
	}
	if _, err := mediaMessage(WAOutMedia{Kind: "LOCATION", File: up("x/y", "")}, nil); err == nil {
		t.Fatal("a LOCATION file was accepted")
	}
	if waMediaType("STICKER") != whatsmeow.MediaImage || waMediaType("FILE") != whatsmeow.MediaDocument {
		t.Fatal("media types")
	}
	if VoiceNote("audio/mp4") || !VoiceNote("audio/OGG; codecs=opus") || CaptionAllowed("AUDIO") || !CaptionAllowed("IMAGE") {
		t.Fatal("voice note and caption rules")
	}
}

// TestMediaRetryAnswers: the phone's answer to a media retry request, as whatsmeow delivers it, becomes
// the file's new path, or the reason it cannot be had.
func TestMediaRetryAnswers(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	seal := func(notif *waMmsRetry.MediaRetryNotification) *events.MediaRetry {
		plain, err := proto.Marshal(notif)
		if err != nil {
			t.Fatal(err)
		}
		iv := bytes.Repeat([]byte{1}, 12)
		ct, err := gcmutil.Encrypt(hkdfutil.SHA256(key, nil, []byte("WhatsApp Media Retry Notification"), 32), iv, plain, []byte("WA-1"))
		if err != nil {
			t.Fatal(err)
		}
		return &events.MediaRetry{Ciphertext: ct, IV: iv, MessageID: "WA-1", ChatID: customer}
	}
	ok := translateMediaRetry(seal(&waMmsRetry.MediaRetryNotification{StanzaID: proto.String("WA-1"), DirectPath: proto.String("/v/new"),
		Result: waMmsRetry.MediaRetryNotification_SUCCESS.Enum()}), key)
	if ok != (WAMediaRetry{MessageID: "WA-1", DirectPath: "/v/new"}) {
		t.Fatalf("success: %+v", ok)
	}
	notFound := translateMediaRetry(seal(&waMmsRetry.MediaRetryNotification{StanzaID: proto.String("WA-1"),
		Result: waMmsRetry.MediaRetryNotification_NOT_FOUND.Enum()}), key).(WAMediaRetry)
	if notFound.DirectPath != "" || !strings.Contains(notFound.Err, "NOT_FOUND") {
		t.Fatalf("not found: %+v", notFound)
	}
	gone := translateMediaRetry(&events.MediaRetry{MessageID: "WA-1", Error: &events.MediaRetryError{Code: 2}}, key).(WAMediaRetry)
	if gone.Err != "the phone no longer has the file" {
		t.Fatalf("code 2: %+v", gone)
	}
	wrongKey := translateMediaRetry(seal(&waMmsRetry.MediaRetryNotification{Result: waMmsRetry.MediaRetryNotification_SUCCESS.Enum()}),
		bytes.Repeat([]byte{8}, 32)).(WAMediaRetry)
	if wrongKey.Err == "" || wrongKey.DirectPath != "" {
		t.Fatalf("wrong key: %+v", wrongKey)
	}
	if err := downloadError(whatsmeow.ErrMediaDownloadFailedWith410); !errors.Is(err, ErrWAMediaExpired) {
		t.Fatalf("410: %v", err)
	}
	if err := downloadError(whatsmeow.ErrMediaDownloadFailedWith403); errors.Is(err, ErrWAMediaExpired) {
		t.Fatalf("403 taken for expiry: %v", err)
	}
}
