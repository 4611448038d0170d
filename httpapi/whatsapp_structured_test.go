package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/aezen/engine/sessions"
)

// TestWhatsAppLocationAndContactCards: a shared place arrives as a LOCATION message with its coordinates
// under location, a contact card as a TEXT message with its people under contacts; content says both in
// words (inbox previews, search, clients that show text only).
func TestWhatsAppLocationAndContactCards(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")

	loc := waText("LOC-1", ada, "Ada", "52.520000,13.405000 Shop Unter den Linden 1")
	loc.ContentType, loc.Location = "LOCATION", &sessions.WALocation{Latitude: 52.52, Longitude: 13.405, Name: "Shop", Address: "Unter den Linden 1"}
	card := waText("VC-1", ada, "Ada", "Contact: Grace +44 7700 900123")
	card.Contacts = []sessions.WAContact{{Name: "Grace", Phones: []string{"+44 7700 900123"}}}
	if !deliver(t, fake, channelID, loc) || !deliver(t, fake, channelID, card) {
		t.Fatal("not acknowledged")
	}
	chatID := conversationsByNumber(t, e, acct.Token)["+15551234567"].ChatID
	var page struct {
		Data []struct {
			ContentType string `json:"contentType"`
			Content     string `json:"content"`
			Location    *struct {
				Latitude  float64 `json:"latitude"`
				Longitude float64 `json:"longitude"`
				Name      string  `json:"name"`
				Address   string  `json:"address"`
			} `json:"location"`
			Contacts []struct {
				Name   string   `json:"name"`
				Phones []string `json:"phones"`
			} `json:"contacts"`
		} `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations/"+chatID+"/messages", acct.Token, nil, &page)
	if len(page.Data) != 2 {
		t.Fatalf("%d messages", len(page.Data))
	}
	l, c := page.Data[0], page.Data[1]
	if l.ContentType != "LOCATION" || l.Location == nil || l.Location.Latitude != 52.52 || l.Location.Longitude != 13.405 ||
		l.Location.Name != "Shop" || l.Location.Address != "Unter den Linden 1" || l.Contacts != nil {
		t.Fatalf("location message %+v %+v", l, l.Location)
	}
	if c.ContentType != "TEXT" || len(c.Contacts) != 1 || c.Contacts[0].Name != "Grace" || c.Contacts[0].Phones[0] != "+44 7700 900123" ||
		c.Location != nil || c.Content != "Contact: Grace +44 7700 900123" {
		t.Fatalf("contact card %+v", c)
	}
}
