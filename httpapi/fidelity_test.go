package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/internal/testkit/fakewhatsapp"
)

// fidelityMessage is a message with its replies, reactions, edits and revokes.
type fidelityMessage struct {
	MessageID         string `json:"messageId"`
	PlatformMessageID string `json:"platformMessageId"`
	SenderType        string `json:"senderType"`
	Content           string `json:"content"`
	Status            string `json:"status"`
	ReplyTo           *struct {
		MessageID string `json:"messageId"`
		Excerpt   string `json:"excerpt"`
	} `json:"replyTo"`
	Reactions []struct {
		Emoji string    `json:"emoji"`
		By    string    `json:"by"`
		At    time.Time `json:"at"`
	} `json:"reactions"`
	EditedAt *time.Time `json:"editedAt"`
	Versions []struct {
		Content string    `json:"content"`
		At      time.Time `json:"at"`
	} `json:"versions"`
	RevokedAt *time.Time `json:"revokedAt"`
}

func fidelityMessages(t *testing.T, e *testkit.Engine, token, chatID string) map[string]fidelityMessage {
	t.Helper()
	var page struct {
		Data []fidelityMessage `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations/"+chatID+"/messages", token, nil, &page)
	out := map[string]fidelityMessage{}
	for _, m := range page.Data {
		out[m.PlatformMessageID] = m
	}
	return out
}

// lastSent is the fake's newest send attempt.
func lastSent(fake *fakewhatsapp.WhatsApp) fakewhatsapp.Sent {
	sent := fake.Sent()
	if len(sent) == 0 {
		return fakewhatsapp.Sent{}
	}
	return sent[len(sent)-1]
}

// TestWhatsAppReplies: a reply sent with replyToMessageId shows replyTo and reaches WhatsApp quoting the
// customer's message; a customer's quote of our message is mapped to it; a quote of a message of another
// chat, or of none, is a 400 naming replyToMessageId.
func TestWhatsAppReplies(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	for _, m := range []struct{ id, chat, text string }{{"WA-1", ada, "is it in stock?"}, {"WA-9", grace, "hello"}} {
		if !deliver(t, fake, channelID, waText(m.id, m.chat, "", m.text)) {
			t.Fatal("not acknowledged")
		}
	}
	chats := conversationsByNumber(t, e, acct.Token)
	chatID, otherChat := chats["+15551234567"].ChatID, chats["+447700900123"].ChatID
	question := fidelityMessages(t, e, acct.Token, chatID)["WA-1"]

	var sent struct {
		Message fidelityMessage `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+chatID+"/send", acct.Token,
		map[string]any{"content": "yes, ships today", "replyToMessageId": question.MessageID}, &sent)
	if r := sent.Message.ReplyTo; r == nil || r.MessageID != question.MessageID || r.Excerpt != "is it in stock?" {
		t.Fatalf("reply's replyTo: %+v", r)
	}
	waitMessageStatus(t, e, acct.Token, chatID, sent.Message.MessageID, "SENT")
	if s := lastSent(fake); s.ID != sent.Message.PlatformMessageID || s.Quote == nil || s.Quote.ID != "WA-1" || s.Quote.FromMe ||
		s.Quote.Text != "is it in stock?" {
		t.Fatalf("WhatsApp got %+v (quote %+v)", s, s.Quote)
	}

	// The customer quotes our answer.
	in := waText("WA-2", ada, "", "great, thanks")
	in.QuotedID = sent.Message.PlatformMessageID
	if !deliver(t, fake, channelID, in) {
		t.Fatal("not acknowledged")
	}
	// A quote of a message the engine does not have is stored without replyTo.
	unknown := waText("WA-3", ada, "", "and this?")
	unknown.QuotedID = "NOT-STORED"
	if !deliver(t, fake, channelID, unknown) {
		t.Fatal("not acknowledged")
	}
	msgs := fidelityMessages(t, e, acct.Token, chatID)
	if r := msgs["WA-2"].ReplyTo; r == nil || r.MessageID != sent.Message.MessageID || r.Excerpt != "yes, ships today" {
		t.Fatalf("customer's quote: %+v", r)
	}
	if msgs["WA-3"].ReplyTo != nil {
		t.Fatalf("quote of an unknown message: %+v", msgs["WA-3"].ReplyTo)
	}

	other := fidelityMessages(t, e, acct.Token, otherChat)["WA-9"]
	for _, bad := range []string{other.MessageID, "0190a0b0-0000-7000-8000-000000000000"} {
		r := e.Do("POST", "/api/conversations/"+chatID+"/send", acct.Token, map[string]any{"content": "x", "replyToMessageId": bad})
		expectError(t, r, http.StatusBadRequest, "replyToMessageId")
	}
	expectError(t, e.Do("POST", "/api/conversations/"+chatID+"/send", acct.Token, map[string]any{"content": "x", "replyToMessageId": "nope"}),
		http.StatusBadRequest, "replyToMessageId")
}
