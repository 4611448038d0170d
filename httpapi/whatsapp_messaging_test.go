package httpapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/internal/testkit/fakewhatsapp"
	"github.com/aezen/engine/sessions"
)

const (
	ada   = "15551234567@s.whatsapp.net"
	grace = "447700900123@s.whatsapp.net"
)

func waText(id, chat, name, text string) sessions.WAMessage {
	return sessions.WAMessage{ID: id, Chat: chat, Sender: chat, PushName: name, Timestamp: time.Now().UTC().Truncate(time.Second),
		ContentType: "TEXT", Text: text}
}

func deliver(t *testing.T, fake *fakewhatsapp.WhatsApp, channelID uuid.UUID, m sessions.WAMessage) bool {
	t.Helper()
	acked, err := fake.Deliver(channelID, m)
	if err != nil {
		t.Fatal(err)
	}
	return acked
}

func conversationsByNumber(t *testing.T, e *testkit.Engine, token string) map[string]conversation {
	t.Helper()
	var list struct {
		Data []conversation `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations", token, nil, &list)
	out := map[string]conversation{}
	for _, c := range list.Data {
		out[*c.ContactNumber] = c
	}
	return out
}

func waitMessageStatus(t *testing.T, e *testkit.Engine, token, chatID, messageID, want string) {
	t.Helper()
	testkit.Eventually(t, 10*time.Second, "message "+messageID+" "+want, func() bool {
		msgs, _ := messages(t, e, token, chatID, "")
		for _, m := range msgs {
			if m.MessageID == messageID {
				return m.Status == want
			}
		}
		return false
	})
}

// TestWhatsAppInboundAndReceipts: messages land in the right chats with exact unread counts and are
// acknowledged only once committed; a re-delivery stores nothing; sends, receipts, mark-as-read and
// typing go through the connection.
func TestWhatsAppInboundAndReceipts(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	ws := e.DialWS(acct.Token)
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	db := e.TenantDB(acct.TenantID)
	stored := func(id string) bool {
		var n int
		if err := db.QueryRow(t.Context(), `SELECT count(*) FROM messages WHERE platform_message_id = $1`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}

	for _, m := range []sessions.WAMessage{waText("WA-1", ada, "Ada", "hello"), waText("WA-2", ada, "Ada", "is my order shipped?"),
		waText("WA-3", ada, "Ada", "order 1042"), waText("WA-G1", grace, "Grace", "hi there")} {
		if !deliver(t, fake, channelID, m) {
			t.Fatalf("%s was not acknowledged", m.ID)
		}
		// The acknowledgement means the message is committed: no waiting needed.
		if !stored(m.ID) {
			t.Fatalf("%s acknowledged before it was stored", m.ID)
		}
	}
	// WhatsApp delivers WA-2 again (say, the ack was lost): acknowledged, nothing new stored.
	if !deliver(t, fake, channelID, waText("WA-2", ada, "Ada", "is my order shipped?")) {
		t.Fatal("re-delivery not acknowledged")
	}
	// A message the database refuses is not acknowledged, so WhatsApp keeps it.
	if deliver(t, fake, channelID, waText("WA-BAD", ada, "Ada", "nul\x00byte")) || stored("WA-BAD") {
		t.Fatal("a message that failed to commit was acknowledged")
	}
	photo := waText("WA-4", ada, "Ada", "this one")
	photo.ContentType = "IMAGE"
	photo.Media = &sessions.WAMedia{MimeType: "image/jpeg", FileLength: 2048, DirectPath: "/v/t62/abc", MediaKey: []byte{1, 2},
		FileSHA256: []byte{3}, FileEncSHA256: []byte{4}, MediaType: "WhatsApp Image Keys"}
	if !deliver(t, fake, channelID, photo) {
		t.Fatal("photo not acknowledged")
	}

	convs := conversationsByNumber(t, e, acct.Token)
	a, g := convs["+15551234567"], convs["+447700900123"]
	if len(convs) != 2 || a.UnreadCount != 4 || g.UnreadCount != 1 || a.Platform != "WHATSAPP" || *a.ContactName != "Ada" ||
		*g.ContactName != "Grace" || a.ChannelID != channelID.String() {
		t.Fatalf("conversations: %+v", convs)
	}
	msgs, _ := messages(t, e, acct.Token, a.ChatID, "")
	if len(msgs) != 4 || msgs[3].Content != "this one" {
		t.Fatalf("Ada's chat has %+v", msgs)
	}
	var meta json.RawMessage
	var media struct {
		WhatsApp struct {
			Media sessions.WAMedia `json:"media"`
		} `json:"whatsapp"`
	}
	if err := db.QueryRow(t.Context(), `SELECT metadata FROM messages WHERE platform_message_id = 'WA-4'`).Scan(&meta); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(meta, &media); err != nil || media.WhatsApp.Media.DirectPath != "/v/t62/abc" ||
		string(media.WhatsApp.Media.MediaKey) != "\x01\x02" || media.WhatsApp.Media.MimeType != "image/jpeg" {
		t.Fatalf("photo metadata %s: %v", meta, err)
	}
	if n := len(ws.WaitFrames("incoming_message", 5, 5*time.Second)); n != 5 {
		t.Fatalf("%d incoming_message frames", n)
	}

	// An answer goes out with the id chosen before the send, then receipts move it forward, never back.
	var sent struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+a.ChatID+"/send", acct.Token, map[string]any{"content": "Shipped today."}, &sent)
	pmid := sent.Message.PlatformMessageID
	if !strings.HasPrefix(pmid, "3EB0") {
		t.Fatalf("platform id %q", pmid)
	}
	waitMessageStatus(t, e, acct.Token, a.ChatID, sent.Message.MessageID, "SENT")
	if s := fake.Sent(); len(s) != 1 || s[0].ID != pmid || s[0].To != ada || s[0].Text != "Shipped today." {
		t.Fatalf("sent %+v", s)
	}
	for _, st := range []string{"DELIVERED", "READ"} {
		if err := fake.Receipt(channelID, ada, st, pmid); err != nil {
			t.Fatal(err)
		}
		waitMessageStatus(t, e, acct.Token, a.ChatID, sent.Message.MessageID, st)
	}
	// A late DELIVERED for the READ message arrives in one receipt with the first DELIVERED of a second
	// message: once the second one shows DELIVERED, the receipt has been applied, and the first must still
	// be READ.
	var second struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+a.ChatID+"/send", acct.Token, map[string]any{"content": "Tracking: 42"}, &second)
	waitMessageStatus(t, e, acct.Token, a.ChatID, second.Message.MessageID, "SENT")
	if err := fake.Receipt(channelID, ada, "DELIVERED", pmid, second.Message.PlatformMessageID); err != nil {
		t.Fatal(err)
	}
	waitMessageStatus(t, e, acct.Token, a.ChatID, second.Message.MessageID, "DELIVERED")
	if msgs, _ := messages(t, e, acct.Token, a.ChatID, ""); msgs[4].MessageID != sent.Message.MessageID || msgs[4].Status != "READ" {
		t.Fatalf("a late DELIVERED moved the message back: %+v", msgs[4])
	}
	e.Must(http.StatusOK, "POST", "/api/conversations/"+a.ChatID+"/read", acct.Token, nil, nil)
	testkit.Eventually(t, 5*time.Second, "read receipts", func() bool { return len(fake.Reads()) == 1 })
	if r := fake.Reads()[0]; r.Chat != ada || strings.Join(r.IDs, ",") != "WA-1,WA-2,WA-3,WA-4" {
		t.Fatalf("read receipts %+v", r)
	}
	convs = conversationsByNumber(t, e, acct.Token)
	if convs["+15551234567"].UnreadCount != 0 || convs["+447700900123"].UnreadCount != 1 {
		t.Fatalf("unread after mark read: %+v", convs)
	}
	ws.Send("typing", map[string]any{"chatId": g.ChatID, "on": true})
	testkit.Eventually(t, 5*time.Second, "chat presence", func() bool { return len(fake.Typing()) == 1 })
	if ty := fake.Typing()[0]; ty.Chat != grace || !ty.On {
		t.Fatalf("typing %+v", ty)
	}
}

// TestWhatsAppSendRetriesWithoutDoubling: a send that fails after its commit is retried with the same
// WhatsApp id (so the phone shows it once) and stored once; a bad recipient fails at once.
func TestWhatsAppSendRetriesWithoutDoubling(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")

	fake.FailNextSends(errors.New("websocket closed mid-send"))
	var sent struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/integrations/whatsapp/send", acct.Token,
		map[string]any{"to": "+1 (555) 765-4321", "content": "Your order is ready"}, &sent, "Idempotency-Key: order-ready-1")
	msg := sent.Message
	waitMessageStatus(t, e, acct.Token, msg.ChatID, msg.MessageID, "SENT")
	attempts := fake.Sent()
	if len(attempts) != 2 || attempts[0].Err == nil || attempts[1].Err != nil || attempts[0].ID != attempts[1].ID ||
		attempts[0].ID != msg.PlatformMessageID || attempts[1].To != "15557654321@s.whatsapp.net" {
		t.Fatalf("attempts %+v", attempts)
	}
	// The same request again returns the first message and sends nothing.
	var again struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/integrations/whatsapp/send", acct.Token,
		map[string]any{"to": "+15557654321", "content": "Your order is ready"}, &again, "Idempotency-Key: order-ready-1")
	if again.Message.MessageID != msg.MessageID {
		t.Fatalf("repeat made message %s, first was %s", again.Message.MessageID, msg.MessageID)
	}
	c := getConversation(t, e, acct.Token, msg.ChatID)
	if msgs, _ := messages(t, e, acct.Token, msg.ChatID, ""); len(msgs) != 1 || *c.ContactNumber != "+15557654321" || c.Platform != "WHATSAPP" {
		t.Fatalf("chat %+v has %+v", c, msgs)
	}

	fake.FailNextSends(sessions.ErrWABadRecipient)
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+msg.ChatID+"/send", acct.Token, map[string]any{"content": "x"}, &sent)
	waitMessageStatus(t, e, acct.Token, msg.ChatID, sent.Message.MessageID, "FAILED")
	if n := len(fake.Sent()); n != 3 {
		t.Fatalf("%d send attempts, want 3", n)
	}
	for body, code := range map[string]int{`{"to":"12","content":"x"}`: 400, `{"to":"+15557654321"}`: 400, `{"to":"+15557654321","content":"x","extra":1}`: 400} {
		if r := e.Do("POST", "/api/integrations/whatsapp/send", acct.Token, body); r.Status != code {
			t.Fatalf("%s: %d %s", body, r.Status, r.Body)
		}
	}
}

// TestWhatsAppSendsWaitForTheConnection: a message committed while the connection is down goes out, with
// its id, once it is back; one sent while WhatsApp is switched off fails with a clear error.
func TestWhatsAppSendsWaitForTheConnection(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	if !deliver(t, fake, channelID, waText("WA-1", ada, "Ada", "hi")) {
		t.Fatal("not acknowledged")
	}
	chatID := conversationsByNumber(t, e, acct.Token)["+15551234567"].ChatID

	fake.SetConnectError(errors.New("dial tcp: connection refused"))
	if err := fake.Drop(channelID); err != nil {
		t.Fatal(err)
	}
	e.WaitWhatsAppStatus(acct.Token, "ERROR", 5*time.Second)
	var sent struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+chatID+"/send", acct.Token, map[string]any{"content": "while down"}, &sent)
	fake.SetConnectError(nil)
	waitMessageStatus(t, e, acct.Token, chatID, sent.Message.MessageID, "SENT")
	if s := fake.Sent(); len(s) != 1 || s[0].ID != sent.Message.PlatformMessageID {
		t.Fatalf("sent %+v", s)
	}

	e.Must(http.StatusOK, "POST", "/api/integrations/whatsapp/toggle", acct.Token, nil, nil)
	e.WaitWhatsAppStatus(acct.Token, "DISCONNECTED", 5*time.Second)
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+chatID+"/send", acct.Token, map[string]any{"content": "switched off"}, &sent)
	waitMessageStatus(t, e, acct.Token, chatID, sent.Message.MessageID, "FAILED")
	var errText string
	db := e.TenantDB(acct.TenantID)
	if err := db.QueryRow(t.Context(), `SELECT last_error FROM messages WHERE message_id = $1`, sent.Message.MessageID).Scan(&errText); err != nil ||
		!strings.Contains(errText, "not connected") {
		t.Fatalf("error %q: %v", errText, err)
	}
}

// TestWhatsAppSendsArePaced: a burst of sends leaves the number at the configured rate, in order.
func TestWhatsAppSendsArePaced(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.WhatsAppSendRate, cfg.WhatsAppSendBurst = 10, 1
	fake := fakewhatsapp.New()
	testkit.UseWhatsApp(cfg, fake)
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")

	var ids []string
	for _, to := range []string{"+15550000001", "+15550000002", "+15550000003", "+15550000004", "+15550000005"} {
		var sent struct {
			Message message `json:"message"`
		}
		e.Must(http.StatusAccepted, "POST", "/api/integrations/whatsapp/send", acct.Token, map[string]any{"to": to, "content": "promo"}, &sent,
			"Idempotency-Key: promo-"+to)
		ids = append(ids, sent.Message.PlatformMessageID)
	}
	testkit.Eventually(t, 10*time.Second, "five sends", func() bool { return len(fake.Sent()) == 5 })
	s := fake.Sent()
	for i := range s {
		if s[i].ID != ids[i] || s[i].Err != nil {
			t.Fatalf("send %d: %+v, want id %s", i, s[i], ids[i])
		}
	}
	// One token up front, then one every 100 ms: four waits at least.
	if span := s[4].At.Sub(s[0].At); span < 350*time.Millisecond {
		t.Fatalf("five sends took %s at 10 per second", span)
	}
}
