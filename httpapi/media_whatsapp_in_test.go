package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/actors/channels"
	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/internal/testkit/fakewhatsapp"
	"github.com/aezen/engine/sessions"
)

// waFile is a customer's WhatsApp message carrying a file served by the fake under path.
func waFile(id, kind, mime, path, caption string, size int) sessions.WAMessage {
	m := waText(id, ada, "Ada", caption)
	m.ContentType = kind
	m.Media = &sessions.WAMedia{MimeType: mime, FileLength: uint64(size), DirectPath: path, MediaKey: []byte{9, 9},
		FileSHA256: []byte{1}, FileEncSHA256: []byte{2}, MediaType: "WhatsApp Image Keys"}
	return m
}

type updatedMessage struct {
	MessageID string `json:"messageId"`
	Content   string `json:"content"`
	Media     *struct {
		mediaObject
		Error *string `json:"error"`
	} `json:"media"`
}

// messageUpdate waits for the message_updated event of one message whose media is in state want.
func messageUpdate(t *testing.T, ws *testkit.WSClient, messageID, want string) updatedMessage {
	t.Helper()
	var found updatedMessage
	testkit.Eventually(t, 15*time.Second, "message_updated of "+messageID+" "+want, func() bool {
		for _, f := range ws.Frames("message_updated") {
			var m updatedMessage
			if json.Unmarshal(f.Data, &m) == nil && m.MessageID == messageID && m.Media != nil && m.Media.State == want {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// TestWhatsAppReceivesFiles: a received image is committed with a PENDING file and acknowledged before it
// is downloaded; the download (retried after a failure) makes it READY with the right bytes, announced by
// message_updated; an expired file is asked of the phone again and arrives; one the phone no longer has,
// or one over the size limit, ends FAILED with the reason; a re-delivered message is not downloaded again.
func TestWhatsAppReceivesFiles(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	ws := e.DialWS(acct.Token)
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	db := e.TenantDB(acct.TenantID)
	mediaState := func(waID string) string {
		var state string
		if err := db.QueryRow(t.Context(), `SELECT state::text FROM media WHERE media_id = $1`, channels.WAMediaID(waID)).Scan(&state); err != nil {
			t.Fatal(err)
		}
		return state
	}
	messageID := func(waID string) string {
		var id string
		if err := db.QueryRow(t.Context(), `SELECT message_id::text FROM messages WHERE platform_message_id = $1`, waID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}

	// The first download fails: the message is acknowledged with its file PENDING, then it is retried.
	img := pngOf(400_000)
	fake.SetMediaFile("/v/t62/photo", img)
	fake.FailNextDownloads(errors.New("fake: connection reset by media host"))
	if !deliver(t, fake, channelID, waFile("WA-IMG", "IMAGE", "image/png", "/v/t62/photo", "the parcel", len(img))) {
		t.Fatal("image not acknowledged")
	}
	if st := mediaState("WA-IMG"); st != "PENDING" {
		t.Fatalf("right after the ack the file is %s; want PENDING (downloaded after the commit)", st)
	}
	frames := ws.WaitFrames("incoming_message", 1, 5*time.Second)
	if !strings.Contains(string(frames[0].Data), `"state":"PENDING"`) {
		t.Fatalf("incoming_message %s", frames[0].Data)
	}
	id := messageID("WA-IMG")
	got := messageUpdate(t, ws, id, "READY")
	if got.Content != "the parcel" || got.Media.MimeType != "image/png" || got.Media.Size != int64(len(img)) || got.Media.URL == "" {
		t.Fatalf("message_updated %+v", got)
	}
	if body := e.Must(http.StatusOK, "GET", got.Media.URL, "", nil, nil).Body; !bytes.Equal(body, img) {
		t.Fatal("the downloaded file's url serves other bytes")
	}
	if n := len(fake.Downloads()); n != 2 {
		t.Fatalf("%d download attempts; want 2 (one failure, one retry)", n)
	}

	// WhatsApp delivers it again: acknowledged, nothing downloaded again.
	if !deliver(t, fake, channelID, waFile("WA-IMG", "IMAGE", "image/png", "/v/t62/photo", "the parcel", len(img))) {
		t.Fatal("re-delivery not acknowledged")
	}
	photoDownloads := func() (n int) {
		for _, path := range fake.Downloads() {
			if strings.Contains(path, "/v/t62/photo") {
				n++
			}
		}
		return n
	}

	// Expired on WhatsApp's servers: the phone is asked and uploads it again under a new path.
	doc := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
	fake.ExpireMedia("/v/old/doc")
	fake.SetMediaFile("/v/new/doc", doc)
	fake.AnswerMediaRetry("WA-DOC", "/v/new/doc")
	if !deliver(t, fake, channelID, waFile("WA-DOC", "FILE", "application/pdf", "/v/old/doc", "invoice.pdf", len(doc))) {
		t.Fatal("document not acknowledged")
	}
	got = messageUpdate(t, ws, messageID("WA-DOC"), "READY")
	if body := e.Must(http.StatusOK, "GET", got.Media.URL, "", nil, nil).Body; !bytes.Equal(body, doc) {
		t.Fatal("the re-uploaded file's url serves other bytes")
	}
	// A download of the re-delivered photo would have started before this later message's file was ready.
	if n := photoDownloads(); n != 2 {
		t.Fatalf("a re-delivered message was downloaded again (%d attempts)", n)
	}

	// Expired, and the phone no longer has it: FAILED with the reason.
	fake.ExpireMedia("/v/gone")
	fake.AnswerMediaRetry("WA-GONE", "")
	if !deliver(t, fake, channelID, waFile("WA-GONE", "IMAGE", "image/jpeg", "/v/gone", "", 1000)) {
		t.Fatal("expired image not acknowledged")
	}
	got = messageUpdate(t, ws, messageID("WA-GONE"), "FAILED")
	if got.Media.Error == nil || !strings.Contains(*got.Media.Error, "no longer has the file") {
		t.Fatalf("failed media: %+v", got.Media)
	}
	asks := fake.MediaRetryRequests()
	if len(asks) != 2 || asks[0] != "WA-DOC" || asks[1] != "WA-GONE" {
		t.Fatalf("media retry requests %v", asks)
	}

	// Over AEZEN_MEDIA_MAX_BYTES (16 MiB by default): not downloaded, FAILED with the reason.
	before := len(fake.Downloads())
	if !deliver(t, fake, channelID, waFile("WA-BIG", "VIDEO", "video/mp4", "/v/big", "", 100<<20)) {
		t.Fatal("big video not acknowledged")
	}
	got = messageUpdate(t, ws, messageID("WA-BIG"), "FAILED")
	if got.Media.Error == nil || !strings.Contains(*got.Media.Error, "size limit") || len(fake.Downloads()) != before {
		t.Fatalf("oversized file: %+v, %d downloads", got.Media, len(fake.Downloads())-before)
	}
}

// TestWhatsAppResumesDownloadsAfterRestart: a file still PENDING when the node stopped (WhatsApp will not
// deliver the acknowledged message again) is downloaded when the session reconnects on the next node.
func TestWhatsAppResumesDownloadsAfterRestart(t *testing.T) {
	cfg := testkit.Config(t)
	fake := fakewhatsapp.New()
	testkit.UseWhatsApp(cfg, fake)
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	img := pngOf(1000)
	fake.SetMediaFile("/v/t62/late", img)
	fake.FailNextDownloads(errors.New("fake: media host down"), errors.New("fake: media host down"))
	if !deliver(t, fake, channelID, waFile("WA-LATE", "IMAGE", "image/png", "/v/t62/late", "", len(img))) {
		t.Fatal("not acknowledged")
	}
	e.Stop()
	db := testkit.Start(t, cfg)
	var state string
	testkit.Eventually(t, 20*time.Second, "the file to be downloaded after the restart", func() bool {
		_ = db.TenantDB(acct.TenantID).QueryRow(t.Context(), `SELECT state::text FROM media WHERE media_id = $1`,
			channels.WAMediaID("WA-LATE")).Scan(&state)
		return state == "READY"
	})
}
