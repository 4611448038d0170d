package httpapi_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// TestWhatsAppNotOnWhatsApp: a send to a number without WhatsApp is refused at once with 422
// not_on_whatsapp (nothing stored, nothing sent), the answer is cached per tenant, and a send accepted
// while WhatsApp could not be asked fails on its first attempt instead of after every retry.
func TestWhatsAppNotOnWhatsApp(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	const nobody, later = "15550000001@s.whatsapp.net", "15550000002@s.whatsapp.net"
	fake.SetNotOnWhatsApp(nobody, later)
	checks := func(jid string) (n int) {
		for _, c := range fake.NumberChecks() {
			if c == jid {
				n++
			}
		}
		return n
	}

	for range 2 {
		r := e.Do("POST", "/api/integrations/whatsapp/send", acct.Token, map[string]any{"to": "+1 555 000 0001", "content": "hi"})
		if r.Status != http.StatusUnprocessableEntity || r.ErrorCode() != "not_on_whatsapp" || !strings.Contains(string(r.Body), "+15550000001") {
			t.Fatalf("send to a number without WhatsApp: %d %s", r.Status, r.Body)
		}
	}
	if n := checks(nobody); n != 1 {
		t.Fatalf("WhatsApp was asked %d times about the number, want once (cached)", n)
	}
	var chats int
	if err := e.TenantDB(acct.TenantID).QueryRow(t.Context(), `SELECT count(*) FROM chats`).Scan(&chats); err != nil || chats != 0 {
		t.Fatalf("%d chats stored for refused sends (%v)", chats, err)
	}

	// A number on WhatsApp is asked about once, then sends go out.
	for range 2 {
		e.Must(http.StatusAccepted, "POST", "/api/integrations/whatsapp/send", acct.Token, map[string]any{"to": "+44 7700 900123", "content": "hello"}, nil)
	}
	if n := checks(grace); n != 1 {
		t.Fatalf("WhatsApp was asked %d times about a number on it, want once", n)
	}
	testkit.Eventually(t, 5*time.Second, "two sends to the number on WhatsApp", func() bool {
		n := 0
		for _, s := range fake.Sent() {
			if s.To == grace && s.Err == nil {
				n++
			}
		}
		return n == 2
	})
	// A customer who wrote to us is on WhatsApp: replying needs no lookup.
	if !deliver(t, fake, channelID, waText("WA-1", ada, "Ada", "hi")) {
		t.Fatal("not acknowledged")
	}
	adaChat := conversationsByNumber(t, e, acct.Token)["+15551234567"].ChatID
	var reply struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+adaChat+"/send", acct.Token, map[string]any{"content": "hi Ada"}, &reply)
	waitMessageStatus(t, e, acct.Token, adaChat, reply.Message.MessageID, "SENT")
	if n := checks(ada); n != 0 {
		t.Fatalf("WhatsApp was asked %d times about a customer who wrote", n)
	}

	// While WhatsApp cannot be asked, the send is accepted; the session checks before sending it and the
	// message fails at once, without a single attempt.
	fake.SetConnectError(errors.New("dial tcp: connection refused"))
	if err := fake.Drop(channelID); err != nil {
		t.Fatal(err)
	}
	e.WaitWhatsAppStatus(acct.Token, "ERROR", 5*time.Second)
	var sent struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/integrations/whatsapp/send", acct.Token, map[string]any{"to": "+1 555 000 0002", "content": "hi"}, &sent)
	fake.SetConnectError(nil)
	waitMessageStatus(t, e, acct.Token, sent.Message.ChatID, sent.Message.MessageID, "FAILED")
	var errText string
	if err := e.TenantDB(acct.TenantID).QueryRow(t.Context(), `SELECT last_error FROM messages WHERE message_id = $1`, sent.Message.MessageID).Scan(&errText); err != nil ||
		!strings.Contains(errText, "not_on_whatsapp") {
		t.Fatalf("error %q: %v", errText, err)
	}
	for _, s := range fake.Sent() {
		if s.To == later {
			t.Fatalf("a message to a number without WhatsApp was sent: %+v", s)
		}
	}
	// The chat exists now; a further send into it is refused at once from the cache.
	if r := e.Do("POST", "/api/conversations/"+sent.Message.ChatID+"/send", acct.Token, map[string]any{"content": "again"}); r.Status != http.StatusUnprocessableEntity ||
		r.ErrorCode() != "not_on_whatsapp" {
		t.Fatalf("send into the chat of a number without WhatsApp: %d %s", r.Status, r.Body)
	}
}
