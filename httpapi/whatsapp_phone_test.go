package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// phoneMessage is a message of a chat with its origin.
type phoneMessage struct {
	MessageID         string  `json:"messageId"`
	PlatformMessageID string  `json:"platformMessageId"`
	SenderType        string  `json:"senderType"`
	Content           string  `json:"content"`
	Status            string  `json:"status"`
	IsRead            bool    `json:"isRead"`
	Origin            *string `json:"origin"`
}

func chatMessages(t *testing.T, e *testkit.Engine, token, chatID string) []phoneMessage {
	t.Helper()
	var page struct {
		Data []phoneMessage `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations/"+chatID+"/messages", token, nil, &page)
	return page.Data
}

// TestWhatsAppMessagesSentFromThePhone: what the business sends from its phone (or another linked device)
// appears once in the customer's chat as an AGENT message with origin PHONE, SENT, not unread; it starts a
// chat when there is none; a re-delivery and the echo of the engine's own send are stored once.
func TestWhatsAppMessagesSentFromThePhone(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	ws := e.DialWS(acct.Token)
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	if !deliver(t, fake, channelID, waText("WA-1", ada, "Ada", "is it in stock?")) {
		t.Fatal("not acknowledged")
	}
	chatID := conversationsByNumber(t, e, acct.Token)["+15551234567"].ChatID

	phone := waText("PH-1", ada, "Acme Shop", "yes, shipping today")
	phone.FromMe = true
	for range 2 { // the second is a re-delivery
		if !deliver(t, fake, channelID, phone) {
			t.Fatal("phone-sent message not acknowledged")
		}
	}
	msgs := chatMessages(t, e, acct.Token, chatID)
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want the customer's and the phone's: %+v", len(msgs), msgs)
	}
	in, out := msgs[0], msgs[1]
	if in.SenderType != "CUSTOMER" || in.Origin != nil {
		t.Fatalf("customer's message %+v", in)
	}
	if out.PlatformMessageID != "PH-1" || out.SenderType != "AGENT" || out.Origin == nil || *out.Origin != "PHONE" ||
		out.Status != "SENT" || !out.IsRead || out.Content != "yes, shipping today" {
		t.Fatalf("phone-sent message %+v", out)
	}
	conv := conversationsByNumber(t, e, acct.Token)["+15551234567"]
	if conv.UnreadCount != 1 || conv.LastMessage == nil || *conv.LastMessage != "yes, shipping today" || *conv.ContactName != "Ada" {
		t.Fatalf("conversation after the phone's answer: %+v (name %v)", conv, conv.ContactName)
	}
	testkit.Eventually(t, 5*time.Second, "the phone-sent message on the WebSocket", func() bool {
		for _, f := range ws.Frames("message_status") {
			var ev struct {
				Message *phoneMessage `json:"message"`
			}
			if json.Unmarshal(f.Data, &ev) == nil && ev.Message != nil && ev.Message.PlatformMessageID == "PH-1" {
				return *ev.Message.Origin == "PHONE"
			}
		}
		return false
	})

	// The engine's own send, echoed by another linked device with its WhatsApp id, stays one message.
	var sent struct {
		Message phoneMessage `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+chatID+"/send", acct.Token, map[string]any{"content": "tracking: 123"}, &sent)
	waitMessageStatus(t, e, acct.Token, chatID, sent.Message.MessageID, "SENT")
	echo := waText(sent.Message.PlatformMessageID, ada, "", "tracking: 123")
	echo.FromMe = true
	if !deliver(t, fake, channelID, echo) {
		t.Fatal("echo not acknowledged")
	}
	msgs = chatMessages(t, e, acct.Token, chatID)
	if len(msgs) != 3 || msgs[2].MessageID != sent.Message.MessageID || msgs[2].Origin == nil || *msgs[2].Origin != "AEZEN" {
		t.Fatalf("after the echo of our own send: %+v", msgs)
	}

	// The phone starts a chat with someone who never wrote: a chat with no unread message.
	first := waText("PH-2", grace, "Acme Shop", "your order is ready")
	first.FromMe = true
	if !deliver(t, fake, channelID, first) {
		t.Fatal("not acknowledged")
	}
	c, ok := conversationsByNumber(t, e, acct.Token)["+447700900123"]
	if !ok || c.UnreadCount != 0 || c.ContactName != nil && *c.ContactName == "Acme Shop" {
		t.Fatalf("chat started from the phone: %+v", c)
	}
	if msgs := chatMessages(t, e, acct.Token, c.ChatID); len(msgs) != 1 || *msgs[0].Origin != "PHONE" || msgs[0].SenderType != "AGENT" {
		t.Fatalf("messages of the chat started from the phone: %+v", msgs)
	}
}
