package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// TestSendMediaOnAPIChannel sends an uploaded image to an API channel's customer: the message carries the
// file with a signed url, the webhook receives that url, and the url serves the bytes without a token.
func TestSendMediaOnAPIChannel(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(acct.Token, hook.URL)
	hook.SetSecret(ch.Secret)
	in, r := ch.Inbound("ext-1", "cust-1", "Send me a picture?")
	if r.Status != http.StatusAccepted {
		t.Fatalf("inbound: %d %s", r.Status, r.Body)
	}
	img := pngOf(3000)
	obj := upload(t, e, acct.Token, "blue.png", "image/png", img)
	send := "/api/conversations/" + in.ChatID + "/send"

	type sentMessage struct {
		Message struct {
			MessageID   string       `json:"messageId"`
			ContentType string       `json:"contentType"`
			Content     string       `json:"content"`
			Status      string       `json:"status"`
			Media       *mediaObject `json:"media"`
		} `json:"message"`
	}
	var sent sentMessage
	e.Must(http.StatusAccepted, "POST", send, acct.Token, map[string]any{"contentType": "IMAGE", "mediaId": obj.MediaID,
		"content": "The blue one"}, &sent, "Idempotency-Key: img-1")
	m := sent.Message
	if m.ContentType != "IMAGE" || m.Content != "The blue one" || m.Media == nil || m.Media.MediaID != obj.MediaID ||
		m.Media.MimeType != "image/png" || m.Media.Size != int64(len(img)) || m.Media.FileName != "blue.png" ||
		m.Media.State != "READY" || m.Media.URL == "" {
		t.Fatalf("send answered %+v (media %+v)", m, m.Media)
	}
	// The same key and body again: the first message; the same key with another file: 422.
	var again sentMessage
	e.Must(http.StatusAccepted, "POST", send, acct.Token, map[string]any{"contentType": "IMAGE", "mediaId": obj.MediaID,
		"content": "The blue one"}, &again, "Idempotency-Key: img-1")
	other := upload(t, e, acct.Token, "red.png", "image/png", pngOf(100))
	if again.Message.MessageID != m.MessageID {
		t.Fatal("a repeated send made a second message")
	}
	if r := e.Do("POST", send, acct.Token, map[string]any{"contentType": "IMAGE", "mediaId": other.MediaID, "content": "The blue one"},
		"Idempotency-Key: img-1"); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("same key, other file: %d %s", r.Status, r.Body)
	}

	testkit.Eventually(t, 5*time.Second, "webhook delivery", func() bool { return len(hook.Deliveries()) == 1 })
	var ev struct {
		Message struct {
			ContentType string       `json:"contentType"`
			Media       *mediaObject `json:"media"`
		} `json:"message"`
	}
	if err := json.Unmarshal(hook.Deliveries()[0].Body, &ev); err != nil || ev.Message.Media == nil || ev.Message.ContentType != "IMAGE" {
		t.Fatalf("webhook body %s (%v)", hook.Deliveries()[0].Body, err)
	}
	if r := e.Must(http.StatusOK, "GET", ev.Message.Media.URL, "", nil, nil); !bytes.Equal(r.Body, img) {
		t.Fatal("the webhook's url serves other bytes")
	}

	// The message list shows the media with a working url.
	var page struct {
		Data []struct {
			MessageID string       `json:"messageId"`
			Media     *mediaObject `json:"media"`
		} `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations/"+in.ChatID+"/messages", acct.Token, nil, &page)
	var listed *mediaObject
	for _, d := range page.Data {
		if d.MessageID == m.MessageID {
			listed = d.Media
		}
	}
	if listed == nil || listed.MediaID != obj.MediaID || listed.URL == "" {
		t.Fatalf("message list: %+v", page.Data)
	}
	if r := e.Must(http.StatusOK, "GET", listed.URL, "", nil, nil); !bytes.Equal(r.Body, img) {
		t.Fatal("the listed url serves other bytes")
	}
	var one struct {
		Media *mediaObject `json:"media"`
	}
	e.Must(http.StatusOK, "GET", "/api/messages/"+m.MessageID, acct.Token, nil, &one)
	if one.Media == nil || one.Media.URL == "" {
		t.Fatalf("GET /api/messages/:id media %+v", one.Media)
	}

	// Refusals: no file, another tenant's file, a file of the wrong kind, a file on a text message, no content.
	stranger := e.SignUp()
	theirs := upload(t, e, stranger.Token, "x.png", "", pngOf(10))
	pdf := upload(t, e, acct.Token, "doc.pdf", "", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"))
	for _, bad := range []map[string]any{
		{"contentType": "IMAGE"},
		{"contentType": "IMAGE", "mediaId": theirs.MediaID},
		{"contentType": "IMAGE", "mediaId": pdf.MediaID},
		{"contentType": "STICKER", "mediaId": obj.MediaID},
		{"content": "hi", "mediaId": obj.MediaID},
		{"contentType": "TEXT"},
		{"contentType": "IMAGE", "mediaId": "not-a-uuid"},
	} {
		if r := e.Do("POST", send, acct.Token, bad); r.Status != http.StatusBadRequest {
			t.Fatalf("%v: %d %s", bad, r.Status, r.Body)
		}
	}
	// A FILE takes any allowed type, without a caption.
	e.Must(http.StatusAccepted, "POST", send, acct.Token, map[string]any{"contentType": "FILE", "mediaId": pdf.MediaID}, nil)
}

// TestAPIChannelInboundMedia: an integration posts a customer's picture inline (base64); it is stored in the
// tenant's media store and the message shows it, READY, with a url that serves the same bytes.
func TestAPIChannelInboundMedia(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:9/hook")
	ws := e.DialWS(acct.Token)
	img := pngOf(5000)
	r := ch.Post("inbound", map[string]any{"platformMessageId": "pic-1", "from": map[string]any{"platformCustomerId": "c-1"},
		"media": map[string]any{"data": img, "mimeType": "image/png", "fileName": "mine.png"}})
	if r.Status != http.StatusAccepted {
		t.Fatalf("inbound with media: %d %s", r.Status, r.Body)
	}
	var in struct {
		ChatID    string `json:"chatId"`
		MessageID string `json:"messageId"`
	}
	r.JSON(t, &in)
	frames := ws.WaitFrames("incoming_message", 1, 5*time.Second)
	var ev struct {
		Message struct {
			ContentType string       `json:"contentType"`
			Media       *mediaObject `json:"media"`
		} `json:"message"`
	}
	if err := json.Unmarshal(frames[0].Data, &ev); err != nil || ev.Message.ContentType != "IMAGE" || ev.Message.Media == nil ||
		ev.Message.Media.State != "READY" || ev.Message.Media.FileName != "mine.png" || ev.Message.Media.URL == "" {
		t.Fatalf("incoming_message %s", frames[0].Data)
	}
	if got := e.Must(http.StatusOK, "GET", ev.Message.Media.URL, "", nil, nil); !bytes.Equal(got.Body, img) {
		t.Fatal("the received file's url serves other bytes")
	}
	var one struct {
		Media *mediaObject `json:"media"`
	}
	e.Must(http.StatusOK, "GET", "/api/messages/"+in.MessageID, acct.Token, nil, &one)
	if one.Media == nil || one.Media.MimeType != "image/png" || one.Media.Size != int64(len(img)) {
		t.Fatalf("stored message media %+v", one.Media)
	}

	// A declared type the bytes contradict, and a message with neither content nor media, are refused.
	if r := ch.Post("inbound", map[string]any{"platformMessageId": "pic-2", "from": map[string]any{"platformCustomerId": "c-1"},
		"media": map[string]any{"data": img, "mimeType": "video/mp4"}}); r.Status != http.StatusUnsupportedMediaType {
		t.Fatalf("contradicting type: %d %s", r.Status, r.Body)
	}
	if r := ch.Post("inbound", map[string]any{"platformMessageId": "pic-3", "from": map[string]any{"platformCustomerId": "c-1"}}); r.Status != http.StatusBadRequest {
		t.Fatalf("no content, no media: %d %s", r.Status, r.Body)
	}
}
