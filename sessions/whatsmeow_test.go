package sessions

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

var (
	customer    = types.NewJID("15551234567", types.DefaultUserServer)
	customerLID = types.NewJID("98765432109876", types.HiddenUserServer)
	own         = types.JID{User: "4915112345678", Device: 7, Server: types.DefaultUserServer}
	now         = time.Date(2025, 12, 20, 10, 0, 0, 0, time.UTC)
)

func directInfo(id string) types.MessageInfo {
	return types.MessageInfo{MessageSource: types.MessageSource{Chat: customer, Sender: customer}, ID: id,
		PushName: "Ada", Timestamp: now}
}

func TestTranslateTextAndCaptions(t *testing.T) {
	ev := translateEvent(&events.Message{Info: directInfo("A1"), Message: &waE2E.Message{Conversation: proto.String("hello")}}, own, now)
	m, ok := ev.(*WAMessage)
	if !ok || m.ID != "A1" || m.Chat != "15551234567@s.whatsapp.net" || m.Text != "hello" || m.ContentType != "TEXT" ||
		m.PushName != "Ada" || !m.Timestamp.Equal(now) || m.Media != nil {
		t.Fatalf("text message: %#v", ev)
	}

	ext := &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("see https://example.com")}}
	if m := translateEvent(&events.Message{Info: directInfo("A2"), Message: ext}, own, now).(*WAMessage); m.Text != "see https://example.com" {
		t.Fatalf("extended text: %q", m.Text)
	}

	img := &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("my order"), Mimetype: proto.String("image/jpeg"),
		FileLength: proto.Uint64(2048), DirectPath: proto.String("/v/t62/abc"), URL: proto.String("https://mmg.whatsapp.net/abc"),
		MediaKey: []byte{1, 2, 3}, FileSHA256: []byte{4}, FileEncSHA256: []byte{5}}}
	m = translateEvent(&events.Message{Info: directInfo("A3"), Message: img}, own, now).(*WAMessage)
	if m.ContentType != "IMAGE" || m.Text != "my order" || m.Media == nil || m.Media.DirectPath != "/v/t62/abc" ||
		m.Media.MimeType != "image/jpeg" || m.Media.FileLength != 2048 || string(m.Media.MediaKey) != "\x01\x02\x03" ||
		m.Media.MediaType != "WhatsApp Image Keys" {
		t.Fatalf("image: %#v %#v", m, m.Media)
	}
	var meta struct {
		WhatsApp struct {
			Media WAMedia `json:"media"`
		} `json:"whatsapp"`
	}
	if err := json.Unmarshal(m.Metadata(), &meta); err != nil || meta.WhatsApp.Media.DirectPath != "/v/t62/abc" ||
		string(meta.WhatsApp.Media.FileEncSHA256) != "\x05" {
		t.Fatalf("metadata %s: %v", m.Metadata(), err)
	}

	doc := &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{FileName: proto.String("invoice.pdf"), Mimetype: proto.String("application/pdf")}}
	if m := translateEvent(&events.Message{Info: directInfo("A4"), Message: doc}, own, now).(*WAMessage); m.ContentType != "FILE" ||
		m.Text != "invoice.pdf" || m.Media.FileName != "invoice.pdf" || m.Media.MediaType != "WhatsApp Document Keys" {
		t.Fatalf("document: %#v", m)
	}
	loc := &waE2E.Message{LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(52.52), DegreesLongitude: proto.Float64(13.405),
		Name: proto.String("Shop")}}
	if m := translateEvent(&events.Message{Info: directInfo("A5"), Message: loc}, own, now).(*WAMessage); m.ContentType != "LOCATION" ||
		!strings.HasPrefix(m.Text, "52.520000,13.405000 Shop") {
		t.Fatalf("location: %#v", m)
	}
}

func TestTranslatePrefersThePhoneNumberOverALID(t *testing.T) {
	info := directInfo("L1")
	info.Chat, info.Sender, info.SenderAlt = customerLID, customerLID, customer
	m := translateEvent(&events.Message{Info: info, Message: &waE2E.Message{Conversation: proto.String("hi")}}, own, now).(*WAMessage)
	if m.Chat != customer.String() || WhatsAppPhone(m.Chat) != "+15551234567" || m.LID != customerLID.String() {
		t.Fatalf("chat %q, LID %q", m.Chat, m.LID)
	}
	info.SenderAlt = types.EmptyJID
	if m := translateEvent(&events.Message{Info: info, Message: &waE2E.Message{Conversation: proto.String("hi")}}, own, now).(*WAMessage); m.Chat != customerLID.String() || m.LID != "" {
		t.Fatalf("LID-only chat %q, LID %q", m.Chat, m.LID)
	}
}

func TestTranslateLeavesOutWhatTheInboxDoesNotShow(t *testing.T) {
	text := &waE2E.Message{Conversation: proto.String("x")}
	self := directInfo("F1")
	self.IsFromMe, self.Chat, self.Sender = true, own.ToNonAD(), own
	group := directInfo("G1")
	group.Chat, group.IsGroup = types.NewJID("120363000000000000", types.GroupServer), true
	status := directInfo("S1")
	status.Chat = types.StatusBroadcastJID
	reaction := &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍")}}
	for name, ev := range map[string]any{
		"to myself":              &events.Message{Info: self, Message: text},
		"group":                  &events.Message{Info: group, Message: text},
		"status":                 &events.Message{Info: status, Message: text},
		"reaction to no message": &events.Message{Info: directInfo("R1"), Message: reaction},
		"presence":               &events.Presence{From: customer},
		"keepalive":              &events.KeepAliveTimeout{ErrorCount: 1},
		"own read":               &events.Receipt{MessageSource: types.MessageSource{Chat: customer, IsFromMe: true}, MessageIDs: []string{"x"}, Type: types.ReceiptTypeRead},
		"retry":                  &events.Receipt{MessageSource: types.MessageSource{Chat: customer, Sender: customer}, MessageIDs: []string{"x"}, Type: types.ReceiptTypeRetry},
	} {
		if got := translateEvent(ev, own, now); got != nil {
			t.Errorf("%s translated to %#v", name, got)
		}
	}
}

func TestTranslateReceipts(t *testing.T) {
	src := types.MessageSource{Chat: customer, Sender: customer}
	// ReceiptTypeDelivered is the empty string: a receipt without a type is a delivery.
	if types.ReceiptTypeDelivered != "" {
		t.Fatalf("ReceiptTypeDelivered is %q", types.ReceiptTypeDelivered)
	}
	for typ, want := range map[types.ReceiptType]string{types.ReceiptTypeDelivered: "DELIVERED", types.ReceiptTypeRead: "READ", types.ReceiptTypePlayed: "READ"} {
		ev := translateEvent(&events.Receipt{MessageSource: src, MessageIDs: []string{"3EB0AA", "3EB0BB"}, Timestamp: now, Type: typ}, own, now)
		r, ok := ev.(WAReceipt)
		if !ok || r.Status != want || len(r.IDs) != 2 || r.IDs[1] != "3EB0BB" || r.Chat != customer.String() {
			t.Fatalf("receipt %q: %#v", typ, ev)
		}
	}
}

func TestTranslateConnectionEvents(t *testing.T) {
	cases := []struct {
		ev   any
		want WhatsAppEvent
	}{
		{&events.Connected{}, WAConnected{JID: "4915112345678@s.whatsapp.net", Device: "4915112345678:7@s.whatsapp.net", Phone: "+4915112345678"}},
		{&events.Disconnected{}, WADisconnected{Reason: "connection to WhatsApp lost"}},
		{&events.LoggedOut{OnConnect: true, Reason: events.ConnectFailureLoggedOut}, WALoggedOut{Reason: "401: logged out from another device"}},
		{&events.StreamReplaced{}, WAStreamReplaced{}},
		{&events.ClientOutdated{}, WAOutdated{}},
		{&events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: time.Hour},
			WABanned{Reason: (&events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: time.Hour}).String(), Expire: time.Hour}},
		{&events.ConnectFailure{Reason: events.ConnectFailureServiceUnavailable, Message: "later"},
			WAConnectFailure{Code: 503, Reason: "503: unknown error (later)", Temporary: true}},
		{&events.ConnectFailure{Reason: events.ConnectFailureBadUserAgent}, WAConnectFailure{Code: 409, Reason: "409: client user agent was rejected"}},
		{&events.PairSuccess{ID: own, Platform: "android"}, WAPaired{JID: "4915112345678@s.whatsapp.net", Device: "4915112345678:7@s.whatsapp.net", Platform: "android"}},
		{&events.PairError{Error: errors.New("bad signature")}, WAPairError{Reason: "bad signature"}},
		{&events.PushName{JID: customer, NewPushName: "Ada L."}, WAPushName{JID: customer.String(), Name: "Ada L."}},
		{&events.QR{Codes: []string{"2@a", "2@b"}}, waQRCodes{codes: []string{"2@a", "2@b"}}},
	}
	for _, c := range cases {
		got := translateEvent(c.ev, own, now)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%T: got %#v, want %#v", c.ev, got, c.want)
		}
	}
	if got := translateEvent(&events.Connected{}, types.EmptyJID, now); got != (WAConnected{}) {
		t.Errorf("connected before pairing: %#v", got)
	}
}

// TestTranslateMessagesSentFromThePhone: a message the business sent from the phone (or another linked
// device) is kept, marked FromMe, in the chat of its recipient (their phone number when the chat is a LID,
// never the business's own number), without the business's push name.
func TestTranslateMessagesSentFromThePhone(t *testing.T) {
	text := &waE2E.Message{Conversation: proto.String("on my way")}
	info := directInfo("P1")
	info.IsFromMe, info.Sender, info.PushName = true, own, "Acme"
	m, ok := translateEvent(&events.Message{Info: info, Message: text}, own, now).(*WAMessage)
	if !ok || !m.FromMe || m.Chat != customer.String() || m.Text != "on my way" || m.PushName != "" {
		t.Fatalf("phone-sent message: %#v", m)
	}
	// Addressed by the customer's LID: the recipient's phone number is the alternative; the sender's is ours.
	info.Chat, info.RecipientAlt, info.SenderAlt = customerLID, customer, own.ToNonAD()
	if m := translateEvent(&events.Message{Info: info, Message: text}, own, now).(*WAMessage); m.Chat != customer.String() {
		t.Fatalf("phone-sent message to a LID filed under %q", m.Chat)
	}
	info.RecipientAlt = types.EmptyJID
	if m := translateEvent(&events.Message{Info: info, Message: text}, own, now).(*WAMessage); m.Chat != customerLID.String() {
		t.Fatalf("phone-sent message to a LID without alternative filed under %q", m.Chat)
	}
}
