package e2e

import (
	"net/http"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// TestSessionEndKeepsTheDraft: when the token stops working (here: the tenant is suspended, which closes
// its WebSockets with 4401), the app returns to log in; after logging in again the user is where they were,
// with what they had typed.
func TestSessionEndKeepsTheDraft(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	p := b.NewPage(t, e.BaseURL)
	email := "owner-" + testkit.RandomID() + "@example.com"
	p.SignUp("Acme", email, "correct-horse-battery")
	token := p.Token()
	var me struct {
		Tenant struct {
			TenantID string `json:"tenantId"`
		} `json:"tenant"`
	}
	e.Must(http.StatusOK, "GET", "/api/auth/me", token, nil, &me)
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(token, hook.URL)
	ch.Inbound("m-1", "dana", "Are you open on Sunday?")
	p.Click(p.Conversation("Customer dana"))
	p.WaitMessages("Are you open on Sunday?")
	draft := "We are open from ten"
	p.Type(p.FindName("textbox", "Message"), draft)

	setStatus := func(status string) {
		e.Must(http.StatusOK, "PUT", "/api/ops/tenants/"+me.Tenant.TenantID+"/status", e.Cfg.OpsToken, map[string]any{"status": status}, nil)
	}
	setStatus("SUSPENDED")
	p.Shows("status", "Your session ended")
	login := p.FindName("button", "Log in")
	setStatus("ACTIVE")
	p.Fill(p.FindName("textbox", "Email"), email)
	p.Fill(p.FindName("textbox", "Password"), "correct-horse-battery")
	p.Click(login)
	p.WaitMessages("Are you open on Sunday?")
	var value string
	if err := p.Call(p.FindName("textbox", "Message"), `function(){ return this.value; }`, &value); err != nil {
		t.Fatal(err)
	}
	need(t, value == draft, "the draft after logging in again: %q", value)
}
