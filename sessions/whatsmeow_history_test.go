package sessions

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/proto/waWeb"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

func webMsg(id string, fromMe bool, at time.Time, text string) *waHistorySync.HistorySyncMsg {
	return &waHistorySync.HistorySyncMsg{Message: &waWeb.WebMessageInfo{
		Key:              &waCommon.MessageKey{ID: proto.String(id), FromMe: proto.Bool(fromMe)},
		MessageTimestamp: proto.Uint64(uint64(at.Unix())), PushName: proto.String("Ada"),
		Message: &waE2E.Message{Conversation: proto.String(text)}}}
}

// TestTranslateHistory: a real HistorySync chunk becomes the engine's messages: direct chats only, within
// the days asked for, the business's own as FromMe, a LID chat filed under the phone number it names, and
// the chunk's push names and progress.
func TestTranslateHistory(t *testing.T) {
	cutoff := now.Add(-30 * 24 * time.Hour)
	data := &waHistorySync.HistorySync{SyncType: waHistorySync.HistorySync_RECENT.Enum(), Progress: proto.Uint32(40),
		Pushnames: []*waHistorySync.Pushname{{ID: proto.String(customer.String()), Pushname: proto.String("Ada L.")}},
		Conversations: []*waHistorySync.Conversation{
			{ID: proto.String(customer.String()), Messages: []*waHistorySync.HistorySyncMsg{
				webMsg("H1", false, now.Add(-time.Hour), "hello"),
				webMsg("H2", true, now.Add(-50*time.Minute), "hi there"),
				webMsg("H0", false, now.Add(-40*24*time.Hour), "too old"),
			}},
			{ID: proto.String(customerLID.String()), PnJID: proto.String("447700900123@s.whatsapp.net"),
				Messages: []*waHistorySync.HistorySyncMsg{webMsg("H3", false, now.Add(-time.Hour), "from a LID")}},
			{ID: proto.String("120363000000000000@g.us"), Messages: []*waHistorySync.HistorySyncMsg{webMsg("G1", false, now, "group")}},
		}}
	h := translateHistory(&events.HistorySync{Data: data}, own, cutoff)
	if h.SyncType != "RECENT" || h.Progress != 40 || h.Chats != 2 || h.Skipped != 2 || len(h.Messages) != 3 {
		t.Fatalf("chunk %+v", h)
	}
	in, mine, lid := h.Messages[0], h.Messages[1], h.Messages[2]
	if in.ID != "H1" || in.Chat != customer.String() || in.FromMe || in.Text != "hello" || !in.History || in.PushName != "Ada" {
		t.Fatalf("customer's message %+v", in)
	}
	if mine.ID != "H2" || !mine.FromMe || mine.Chat != customer.String() || mine.PushName != "" {
		t.Fatalf("business's message %+v", mine)
	}
	if lid.Chat != "447700900123@s.whatsapp.net" || lid.LID != customerLID.String() {
		t.Fatalf("LID chat filed under %q (LID %q)", lid.Chat, lid.LID)
	}
	if string(in.Metadata()) != `{"whatsapp":{"history":true}}` {
		t.Fatalf("metadata %s", in.Metadata())
	}
	if len(h.PushNames) != 1 || h.PushNames[0].Name != "Ada L." {
		t.Fatalf("push names %+v", h.PushNames)
	}
}

// TestTranslateLocationAndContacts: a shared place and a contact card arrive as structure (coordinates,
// name and numbers), with the same said in words as the content.
func TestTranslateLocationAndContacts(t *testing.T) {
	loc := &waE2E.Message{LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(52.52), DegreesLongitude: proto.Float64(13.405),
		Name: proto.String("Shop"), Address: proto.String("Unter den Linden 1")}}
	m := translateEvent(&events.Message{Info: directInfo("L1"), Message: loc}, own, now).(*WAMessage)
	if m.ContentType != "LOCATION" || m.Location == nil || m.Location.Latitude != 52.52 || m.Location.Longitude != 13.405 ||
		m.Location.Name != "Shop" || m.Location.Address != "Unter den Linden 1" {
		t.Fatalf("location %#v", m.Location)
	}
	if string(m.Metadata()) != `{"location":{"latitude":52.52,"longitude":13.405,"name":"Shop","address":"Unter den Linden 1"}}` {
		t.Fatalf("metadata %s", m.Metadata())
	}
	vcard := "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;Grace;;;\r\nFN:Grace Hopper\r\nitem1.TEL;waid=447700900123:+44 7700 900123\r\n" +
		"TEL;type=WORK:+1 555 000 1111\r\nEND:VCARD"
	card := &waE2E.Message{ContactMessage: &waE2E.ContactMessage{DisplayName: proto.String("Grace"), Vcard: proto.String(vcard)}}
	m = translateEvent(&events.Message{Info: directInfo("C1"), Message: card}, own, now).(*WAMessage)
	if m.ContentType != "TEXT" || len(m.Contacts) != 1 || m.Contacts[0].Name != "Grace" ||
		len(m.Contacts[0].Phones) != 2 || m.Contacts[0].Phones[0] != "+44 7700 900123" || m.Text != "Contact: Grace +44 7700 900123, +1 555 000 1111" {
		t.Fatalf("contact card %#v %q", m.Contacts, m.Text)
	}
	many := &waE2E.Message{ContactsArrayMessage: &waE2E.ContactsArrayMessage{Contacts: []*waE2E.ContactMessage{
		{Vcard: proto.String("BEGIN:VCARD\nFN:Ada\nTEL:+1 555 123 4567\nEND:VCARD")}, {DisplayName: proto.String("Bob")}}}}
	m = translateEvent(&events.Message{Info: directInfo("C2"), Message: many}, own, now).(*WAMessage)
	if len(m.Contacts) != 2 || m.Contacts[0].Name != "Ada" || m.Contacts[0].Phones[0] != "+1 555 123 4567" || m.Contacts[1].Name != "Bob" {
		t.Fatalf("contacts %#v", m.Contacts)
	}
}

// TestTranslatePresence: a direct chat's composing/paused and a user's online/offline become WAPresence;
// groups do not.
func TestTranslatePresence(t *testing.T) {
	src := types.MessageSource{Chat: customer, Sender: customer}
	p, ok := translatePresence(&events.ChatPresence{MessageSource: src, State: types.ChatPresenceComposing, Media: types.ChatPresenceMediaAudio}).(WAPresence)
	if !ok || p.JID != customer.String() || p.Typing == nil || !*p.Typing || !p.Recording || p.Online != nil {
		t.Fatalf("composing: %+v", p)
	}
	if p := translatePresence(&events.ChatPresence{MessageSource: src, State: types.ChatPresencePaused}).(WAPresence); *p.Typing {
		t.Fatalf("paused: %+v", p)
	}
	seen := now.Add(-time.Minute)
	p = translatePresence(&events.Presence{From: customer, Unavailable: true, LastSeen: seen}).(WAPresence)
	if p.Online == nil || *p.Online || p.LastSeen == nil || !p.LastSeen.Equal(seen) || p.Typing != nil {
		t.Fatalf("offline: %+v", p)
	}
	group := types.MessageSource{Chat: types.NewJID("120363000000000000", types.GroupServer), Sender: customer, IsGroup: true}
	if ev := translatePresence(&events.ChatPresence{MessageSource: group, State: types.ChatPresenceComposing}); ev != nil {
		t.Fatalf("group presence kept: %+v", ev)
	}
}
