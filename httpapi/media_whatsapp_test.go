package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/internal/testkit/fakewhatsapp"
)

// oggOpusOf is a file that sniffs as audio/ogg: an Ogg page header whose first packet is an OpusHead.
func oggOpusOf(n int) []byte {
	head := append([]byte("OggS\x00\x02"), make([]byte, 22)...)
	head = append(head, []byte("OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00")...)
	return append(head, bytes.Repeat([]byte{0x55}, n)...)
}

// waSendFile sends a file on a WhatsApp chat and waits for its final status.
func waSendFile(t *testing.T, e *testkit.Engine, token, chatID string, body map[string]any, want string) message {
	t.Helper()
	var sent struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+chatID+"/send", token, body, &sent)
	waitMessageStatus(t, e, token, chatID, sent.Message.MessageID, want)
	return sent.Message
}

// sentWithID is the last send attempt of a WhatsApp message id.
func sentWithID(fake *fakewhatsapp.WhatsApp, id string) (fakewhatsapp.Sent, int) {
	var last fakewhatsapp.Sent
	n := 0
	for _, s := range fake.Sent() {
		if s.ID == id {
			last, n = s, n+1
		}
	}
	return last, n
}

// TestWhatsAppSendsFiles: an image, a voice note and a document sent on a WhatsApp chat are streamed from
// the store into WhatsApp's upload (the bytes arrive intact) and sent as their kind; a failed send is
// retried with the same id and the same upload; a caption on a voice note is a 400.
func TestWhatsAppSendsFiles(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	var first struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/integrations/whatsapp/send", acct.Token,
		map[string]any{"to": "+15557654321", "content": "Hello"}, &first)
	chatID := first.Message.ChatID
	waitMessageStatus(t, e, acct.Token, chatID, first.Message.MessageID, "SENT")

	checkUpload := func(data []byte, kind string) {
		t.Helper()
		sum := sha256.Sum256(data)
		for _, u := range fake.Uploads() {
			if u.Err == nil && bytes.Equal(u.SHA256, sum[:]) {
				if u.Kind != kind || u.Size != int64(len(data)) {
					t.Fatalf("upload of %s: %+v", kind, u)
				}
				return
			}
		}
		t.Fatalf("no upload of the %s bytes (sha256 %s) among %+v", kind, hex.EncodeToString(sum[:]), fake.Uploads())
	}

	// An image of three chunk rows, with a caption. The first send attempt fails: the retry reuses the upload.
	img := pngOf(600_000)
	obj := upload(t, e, acct.Token, "photo.png", "image/png", img)
	fake.FailNextSends(errors.New("fake: 503 from WhatsApp"))
	before := len(fake.Uploads())
	m := waSendFile(t, e, acct.Token, chatID, map[string]any{"contentType": "IMAGE", "mediaId": obj.MediaID, "content": "your receipt"}, "SENT")
	s, attempts := sentWithID(fake, m.PlatformMessageID)
	if attempts != 2 || s.Media == nil || s.Media.Kind != "IMAGE" || s.Media.Caption != "your receipt" || s.Media.Voice ||
		s.Media.File.MimeType != "image/png" || s.To != "15557654321@s.whatsapp.net" {
		t.Fatalf("image send (%d attempts): %+v %+v", attempts, s, s.Media)
	}
	if n := len(fake.Uploads()) - before; n != 1 {
		t.Fatalf("%d uploads for one image sent twice; want 1", n)
	}
	checkUpload(img, "IMAGE")

	// An Ogg/Opus file sent as AUDIO is a push-to-talk voice note.
	voice := oggOpusOf(5000)
	vo := upload(t, e, acct.Token, "voice.ogg", "", voice)
	if vo.MimeType != "audio/ogg" {
		t.Fatalf("ogg sniffed as %q", vo.MimeType)
	}
	r := e.Do("POST", "/api/conversations/"+chatID+"/send", acct.Token,
		map[string]any{"contentType": "AUDIO", "mediaId": vo.MediaID, "content": "listen"})
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "caption") {
		t.Fatalf("caption on a voice note: %d %s", r.Status, r.Body)
	}
	m = waSendFile(t, e, acct.Token, chatID, map[string]any{"contentType": "AUDIO", "mediaId": vo.MediaID}, "SENT")
	if s, _ = sentWithID(fake, m.PlatformMessageID); s.Media == nil || s.Media.Kind != "AUDIO" || !s.Media.Voice {
		t.Fatalf("voice note: %+v", s.Media)
	}
	checkUpload(voice, "AUDIO")

	// A document keeps its file name.
	pdf := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
	po := upload(t, e, acct.Token, "invoice-1042.pdf", "", pdf)
	m = waSendFile(t, e, acct.Token, chatID, map[string]any{"contentType": "FILE", "mediaId": po.MediaID, "content": "invoice"}, "SENT")
	if s, _ = sentWithID(fake, m.PlatformMessageID); s.Media == nil || s.Media.Kind != "FILE" ||
		s.Media.File.FileName != "invoice-1042.pdf" || s.Media.File.MimeType != "application/pdf" || s.Media.Caption != "invoice" {
		t.Fatalf("document: %+v", s.Media)
	}
	checkUpload(pdf, "FILE")

	// An upload that keeps failing ends FAILED after the last attempt, like a text.
	fake.FailNextUploads(errors.New("fake: upload refused"), errors.New("fake: upload refused"), errors.New("fake: upload refused"),
		errors.New("fake: upload refused"), errors.New("fake: upload refused"))
	start := time.Now()
	m = waSendFile(t, e, acct.Token, chatID, map[string]any{"contentType": "IMAGE", "mediaId": obj.MediaID}, "FAILED")
	if _, n := sentWithID(fake, m.PlatformMessageID); n != 0 {
		t.Fatalf("a message whose upload failed was sent %d times", n)
	}
	t.Logf("failed after %v", time.Since(start))
}
