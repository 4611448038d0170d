package sessions

import (
	"testing"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
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

// TestTranslateReactionsEditsAndRevokes: a reaction, an edit (unwrapped from EditedMessage, as whatsmeow
// delivers it) and a revoke become changes to the message they name, not messages of their own; the phone's
// are FromMe.
func TestTranslateReactionsEditsAndRevokes(t *testing.T) {
	key := &waCommon.MessageKey{ID: proto.String("3EB0AA"), FromMe: proto.Bool(true), RemoteJID: proto.String(customer.String())}
	react := &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Key: key, Text: proto.String("👍"), SenderTimestampMS: proto.Int64(now.UnixMilli())}}
	m := translateEvent(&events.Message{Info: directInfo("R1"), Message: react}, own, now).(*WAMessage)
	if m.Update == nil || *m.Update != (WAUpdate{Kind: WAReaction, TargetID: "3EB0AA", Emoji: "👍"}) || m.ContentType != "" || m.Chat != customer.String() {
		t.Fatalf("reaction: %#v %#v", m, m.Update)
	}

	info := directInfo("E1")
	info.Edit = types.EditAttributeMessageEdit
	edit := &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(),
		Key: &waCommon.MessageKey{ID: proto.String("WA-1")}, EditedMessage: &waE2E.Message{Conversation: proto.String("is the blue one in stock?")}}}
	m = translateEvent(&events.Message{Info: info, Message: edit, IsEdit: true}, own, now).(*WAMessage)
	if m.Update == nil || *m.Update != (WAUpdate{Kind: WAEdit, TargetID: "WA-1", Text: "is the blue one in stock?"}) {
		t.Fatalf("edit: %#v", m.Update)
	}

	info = directInfo("V1")
	info.Edit = types.EditAttributeSenderRevoke
	info.IsFromMe, info.Sender = true, own
	revoke := &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: key}}
	m = translateEvent(&events.Message{Info: info, Message: revoke}, own, now).(*WAMessage)
	if m.Update == nil || *m.Update != (WAUpdate{Kind: WARevoke, TargetID: "3EB0AA"}) || !m.FromMe || m.Chat != customer.String() {
		t.Fatalf("revoke from the phone: %#v %#v", m, m.Update)
	}

	// Other protocol messages and edits (a pin) are still left out.
	info = directInfo("P1")
	info.Edit = types.EditAttributePinInChat
	pin := &waE2E.Message{PinInChatMessage: &waE2E.PinInChatMessage{Key: key}}
	if ev := translateEvent(&events.Message{Info: info, Message: pin}, own, now); ev != nil {
		t.Fatalf("pin: %#v", ev)
	}
	other := &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_EPHEMERAL_SETTING.Enum()}}
	if ev := translateEvent(&events.Message{Info: directInfo("P2"), Message: other}, own, now); ev != nil {
		t.Fatalf("ephemeral setting: %#v", ev)
	}
}
