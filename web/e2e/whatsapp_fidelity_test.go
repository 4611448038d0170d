package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/sessions"
)

// TestWhatsAppPlacesCardsAvatarsAndPresence: a shared place shows as a link to its coordinates (no map
// tiles), a contact card with its name and numbers, the customer's profile picture in the conversation list,
// and their typing in the chat header; the screen passes axe.
func TestWhatsAppPlacesCardsAvatarsAndPresence(t *testing.T) {
	p, e, fake := signedUpWithWhatsAppFake(t)
	channelID := e.ConnectWhatsApp(p.Token(), fake, "4915112345678@s.whatsapp.net")

	ada := "15551234567@s.whatsapp.net"
	fake.SetProfilePicture(ada, "pic-1", pngPixel)
	deliver := func(m sessions.WAMessage) {
		t.Helper()
		m.Chat, m.Sender, m.PushName, m.Timestamp = ada, ada, "Ada", time.Now().UTC()
		if ok, err := fake.Deliver(channelID, m); err != nil || !ok {
			t.Fatalf("deliver %s: %v", m.ID, err)
		}
	}
	deliver(sessions.WAMessage{ID: "loc-1", ContentType: "LOCATION", Text: "52.520000,13.405000 Shop",
		Location: &sessions.WALocation{Latitude: 52.52, Longitude: 13.405, Name: "Shop", Address: "Unter den Linden 1"}})
	deliver(sessions.WAMessage{ID: "vc-1", ContentType: "TEXT", Text: "Contact: Grace +44 7700 900123",
		Contacts: []sessions.WAContact{{Name: "Grace", Phones: []string{"+44 7700 900123"}}}})

	// The picture is fetched after the first message; no event announces it: the list shows it once loaded again.
	testkit.Eventually(t, waitTimeout, "Ada's picture fetched", func() bool {
		var list struct {
			Data []struct {
				ContactAvatarURL *string `json:"contactAvatarUrl"`
			} `json:"data"`
		}
		e.Must(200, "GET", "/api/conversations", p.Token(), nil, &list)
		return len(list.Data) == 1 && list.Data[0].ContactAvatarURL != nil
	})
	p.Reload()
	p.Nav("Inbox")
	p.Click(p.Conversation("Ada"))
	p.FindName("link", "Location Shop (52.52000, 13.40500)")
	card := p.FindName("group", "Contact card: Grace")
	p.FindName("link", "Call Grace +44 7700 900123", card)
	p.Eventually("Ada's avatar in the list", func() bool {
		var n int
		p.Eval(`document.querySelectorAll('ul[aria-label="Conversations"] img.avatar').length`, &n)
		return n == 1
	})

	on := true
	if err := fake.Emit(channelID, sessions.WAPresence{JID: ada, Typing: &on}); err != nil {
		t.Fatal(err)
	}
	status := p.FindName("status", "Customer presence")
	p.Eventually("Ada typing in the header", func() bool { return strings.Contains(p.Text(status), "typing…") })
	p.Axe("WhatsApp places, cards and presence")

	// The history import's progress shows on the WhatsApp card.
	past := sessions.WAMessage{ID: "hist-1", Chat: ada, Sender: ada, Timestamp: time.Now().UTC().Add(-24 * time.Hour), ContentType: "TEXT", Text: "from last week"}
	if ok, err := fake.History(channelID, sessions.WAHistory{SyncType: "RECENT", Progress: 100, Messages: []*sessions.WAMessage{&past}}); err != nil || !ok {
		t.Fatalf("history: %v", err)
	}
	p.Nav("Channels")
	wa := p.FindName("region", "WhatsApp")
	p.Eventually("the finished import on the card", func() bool { return strings.Contains(p.Text(wa), "History import: DONE · 1 imported · 100%") })
}

// pngPixel is a 1x1 PNG: a profile picture.
var pngPixel = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
