package sessions

import (
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// TestTranslateQuotes: a customer's reply names the message it quotes (ContextInfo.StanzaID) on text and on
// media; a message quoting nothing names none.
func TestTranslateQuotes(t *testing.T) {
	quote := &waE2E.ContextInfo{StanzaID: proto.String("3EB0AA"), Participant: proto.String(own.ToNonAD().String()),
		QuotedMessage: &waE2E.Message{Conversation: proto.String("ships today")}}
	reply := &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("great, thanks"), ContextInfo: quote}}
	m := translateEvent(&events.Message{Info: directInfo("Q1"), Message: reply}, own, now).(*WAMessage)
	if m.Text != "great, thanks" || m.QuotedID != "3EB0AA" {
		t.Fatalf("quoted text: %#v", m)
	}
	img := &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("this one"), Mimetype: proto.String("image/jpeg"), ContextInfo: quote}}
	if m := translateEvent(&events.Message{Info: directInfo("Q2"), Message: img}, own, now).(*WAMessage); m.QuotedID != "3EB0AA" {
		t.Fatalf("quoted image: %#v", m)
	}
	if m := translateEvent(&events.Message{Info: directInfo("Q3"), Message: &waE2E.Message{Conversation: proto.String("hi")}}, own, now).(*WAMessage); m.QuotedID != "" {
		t.Fatalf("plain text quotes %q", m.QuotedID)
	}
}

// TestQuoteContext: an outbound reply quotes the customer's message under the customer's JID and our own
// under the device's number (without its device part), with the quoted text.
func TestQuoteContext(t *testing.T) {
	ci := quoteContext(customer, own, &WAQuote{ID: "WA-1", Text: "is it in stock?"})
	if ci.GetStanzaID() != "WA-1" || ci.GetParticipant() != customer.String() || ci.GetQuotedMessage().GetConversation() != "is it in stock?" {
		t.Fatalf("customer's message quoted as %v", ci)
	}
	ci = quoteContext(customer, own, &WAQuote{ID: "3EB0BB", FromMe: true, Text: "ships today"})
	if ci.GetParticipant() != "4915112345678@s.whatsapp.net" {
		t.Fatalf("our own message quoted as %v", ci)
	}
	if quoteContext(customer, own, nil) != nil {
		t.Fatal("no quote, yet a context")
	}
	msg, err := mediaMessage(WAOutMedia{Kind: "IMAGE", File: &WAMedia{MimeType: "image/png"}}, quoteContext(customer, own, &WAQuote{ID: "WA-1"}))
	if err != nil || msg.GetImageMessage().GetContextInfo().GetStanzaID() != "WA-1" {
		t.Fatalf("image reply: %v %v", msg, err)
	}
}
