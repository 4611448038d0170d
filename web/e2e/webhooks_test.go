package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// TestWebhooksSettings: an owner adds an event webhook under Settings (URL and an events filter; the secret
// shown once signs what the receiver gets), reads its delivery log and redelivers an event (same eventId),
// sees the engine turn it off with the reason when the receiver keeps failing, and turns it back on, which
// sends what waited; the automatic assignment setting is saved from the same page.
func TestWebhooksSettings(t *testing.T) {
	b := Setup(t)
	cfg := testkit.Config(t)
	cfg.EventWebhookDisableAfter = 2
	cfg.WebhookBackoff = 50 * time.Millisecond
	e := testkit.Start(t, cfg)
	p := b.NewPage(t, e.BaseURL)
	p.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	token := p.Token()
	recv := testkit.NewWebhookReceiver(t)
	p.Nav("Settings")

	// Automatic assignment.
	p.Click(p.FindName("checkbox", "Assign new conversations automatically"))
	p.Fill(p.FindName("spinbutton", "Most open conversations per agent"), "4")
	p.Click(p.FindName("button", "Save automatic assignment"))
	p.Eventually("the engine to have automatic assignment on with cap 4", func() bool {
		var s struct {
			AutoAssign struct {
				Enabled         bool `json:"enabled"`
				MaxOpenPerAgent int  `json:"maxOpenPerAgent"`
			} `json:"autoAssign"`
		}
		e.Must(http.StatusOK, "GET", "/api/settings", token, nil, &s)
		return s.AutoAssign.Enabled && s.AutoAssign.MaxOpenPerAgent == 4
	})

	// A webhook for conversation.updated only; its secret is shown once.
	p.Fill(p.FindName("textbox", "Webhook URL"), recv.URL)
	p.Click(p.Find("checkbox", Prefix("conversation.updated")))
	p.Click(p.FindName("button", "Create webhook"))
	shown := p.FindName("region", "New webhook secret")
	secret := strings.TrimSpace(p.Text(p.Find("code", Prefix(""), shown)))
	need(t, strings.HasPrefix(secret, "whsec_"), "the secret shown is %q", secret)
	recv.SetSecret(secret)
	p.Axe("settings with a new webhook")
	p.Click(p.FindName("button", "I have copied the secret"))
	p.Eventually("the secret to be shown no more", func() bool { return !p.Has("region", Exact("New webhook secret")) })
	p.Shows("cell", "conversation.updated")

	// A conversation resolved: one signed delivery, in the log; redelivered with the same eventId.
	ch := e.CreateAPIChannel(token, "http://127.0.0.1:1/unused")
	in, _ := ch.Inbound("w-1", "cust-1", "hello")
	e.Must(http.StatusOK, "POST", "/api/conversations/"+in.ChatID+"/status", token, map[string]any{"status": "RESOLVED"}, nil)
	p.Eventually("the receiver to get the event", func() bool { return len(recv.Deliveries()) == 1 })
	first := recv.Deliveries()[0]
	need(t, first.Valid && strings.Contains(string(first.Body), `"conversation.updated"`), "delivery %s (signed: %v)", first.Body, first.Valid)
	p.Click(p.FindName("button", "Deliveries of "+recv.URL))
	log := p.FindName("region", "Delivery log of "+recv.URL)
	p.Shows("cell", "delivered", log)
	p.Axe("the delivery log")
	p.Click(p.Find("button", Prefix("Redeliver conversation.updated"), log))
	p.Eventually("the event delivered again", func() bool { return len(recv.Deliveries()) == 2 })
	again := recv.Deliveries()[1]
	need(t, again.Valid && again.EventID == first.EventID, "redelivery %s, first %s", again.EventID, first.EventID)

	// The receiver keeps failing: the engine turns the webhook off and the page says why.
	recv.SetDown(true)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+in.ChatID+"/status", token, map[string]any{"status": "OPEN"}, nil)
	p.Shows("cell", "turned off after 2 failed deliveries in a row")
	p.Screenshot("webhooks")
	// Turned back on, it sends what waited.
	recv.SetDown(false)
	p.Click(p.FindName("button", "Turn on "+recv.URL))
	p.Eventually("the waiting event delivered", func() bool { return len(recv.Deliveries()) == 3 })
	p.FindName("button", "Turn off "+recv.URL)
	p.Click(p.FindName("button", "Turn off "+recv.URL))
	p.Eventually("the engine to have the webhook off", func() bool {
		var list struct {
			Data []struct {
				IsActive bool `json:"isActive"`
			} `json:"data"`
		}
		e.Must(http.StatusOK, "GET", "/api/webhooks", token, nil, &list)
		return len(list.Data) == 1 && !list.Data[0].IsActive
	})
}
