package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestSeveralWhatsAppNumbers: a second number is added on the Channels screen and linked from its own card;
// each card follows its own number's status.
func TestSeveralWhatsAppNumbers(t *testing.T) {
	p, e, fake := signedUpWithWhatsAppFake(t)
	e.ConnectWhatsApp(p.Token(), fake, "4915112345678@s.whatsapp.net")

	p.Nav("Channels")
	main := p.FindName("region", "WhatsApp")
	p.Eventually("the default number CONNECTED", func() bool { return strings.Contains(p.Text(main), "Status: CONNECTED") })
	add := p.FindName("form", "Add a WhatsApp number")
	p.Fill(p.FindName("textbox", "Number name", add), "Sales")
	p.Click(p.FindName("button", "Add number", add))
	sales := p.FindName("region", "WhatsApp Sales")
	p.Eventually("the new number DISCONNECTED", func() bool { return strings.Contains(p.Text(sales), "Status: DISCONNECTED") })
	p.Axe("channels with two numbers")

	var list struct {
		Data []struct {
			ChannelID   string `json:"channelId"`
			ChannelName string `json:"channelName"`
		} `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/channels", p.Token(), nil, &list)
	var salesID uuid.UUID
	for _, c := range list.Data {
		if c.ChannelName == "Sales" {
			salesID = uuid.MustParse(c.ChannelID)
		}
	}
	need(t, salesID != uuid.Nil, "no Sales channel in %+v", list.Data)

	p.Click(p.FindName("button", "Connect", sales))
	dialog := p.FindName("dialog", "Link WhatsApp Sales")
	p.qrSource(dialog)
	need(t, strings.Contains(p.Text(main), "Status: CONNECTED"), "the default number's card changed: %s", p.Text(main))
	if err := fake.Pair(salesID, "4915187654321@s.whatsapp.net"); err != nil {
		t.Fatal(err)
	}
	p.Eventually("the dialog to close once connected", func() bool { return !p.Has("dialog", Exact("Link WhatsApp Sales")) })
	p.Eventually("the Sales number CONNECTED with its own phone", func() bool {
		text := p.Text(sales)
		return strings.Contains(text, "Status: CONNECTED") && strings.Contains(text, "4915187654321")
	})
	need(t, !strings.Contains(p.Text(main), "4915187654321"), "the default card shows the Sales phone: %s", p.Text(main))

	// Switching Sales off leaves the default number connected.
	p.Click(p.FindName("button", "Switch off", sales))
	p.Eventually("the Sales number DISCONNECTED", func() bool { return strings.Contains(p.Text(sales), "Status: DISCONNECTED") })
	need(t, strings.Contains(p.Text(main), "Status: CONNECTED"), "the default number's card changed: %s", p.Text(main))
}
