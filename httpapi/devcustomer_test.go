package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// TestDevCustomerMessage: in development an owner or admin plays an API channel's customer; the message
// arrives like a signed inbound one. Agents, other tenants and production nodes cannot use the route.
func TestDevCustomerMessage(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, hook.URL)
	path := "/api/dev/channels/" + ch.ID + "/customer-message"

	var res struct {
		MessageID string `json:"messageId"`
		ChatID    string `json:"chatId"`
	}
	e.Must(http.StatusAccepted, "POST", path, owner.Token, map[string]any{"content": "Hello from the playground", "fullName": "Dana"}, &res)
	var page struct {
		Data []struct {
			ChatID      string  `json:"chatId"`
			ContactName *string `json:"contactName"`
			LastMessage *string `json:"lastMessage"`
			UnreadCount int     `json:"unreadCount"`
		} `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations", owner.Token, nil, &page)
	if len(page.Data) != 1 || page.Data[0].ChatID != res.ChatID || *page.Data[0].ContactName != "Dana" ||
		*page.Data[0].LastMessage != "Hello from the playground" || page.Data[0].UnreadCount != 1 {
		t.Fatalf("inbox after playing the customer: %+v", page.Data)
	}

	if r := e.Do("POST", path, owner.Token, map[string]any{}); r.Status != http.StatusBadRequest {
		t.Fatalf("no content: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", path, "", map[string]any{"content": "x"}); r.Status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", r.Status)
	}
	agentEmail := "agent-" + testkit.RandomID() + "@example.com"
	e.Must(http.StatusCreated, "POST", "/api/users", owner.Token, map[string]any{"email": agentEmail,
		"password": "correct-horse-battery", "role": "AGENT"}, nil)
	var agent struct {
		Token string `json:"token"`
	}
	e.Must(http.StatusOK, "POST", "/api/auth/login", "", map[string]any{"email": agentEmail, "password": "correct-horse-battery"}, &agent)
	if r := e.Do("POST", path, agent.Token, map[string]any{"content": "x"}); r.Status != http.StatusForbidden {
		t.Fatalf("an agent plays the customer: %d %s", r.Status, r.Body)
	}
	other := e.SignUp()
	if r := e.Do("POST", path, other.Token, map[string]any{"content": "x"}); r.Status != http.StatusNotFound {
		t.Fatalf("another tenant's channel: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/dev/channels/not-a-uuid/customer-message", owner.Token, map[string]any{"content": "x"}); r.Status != http.StatusBadRequest {
		t.Fatalf("bad id: %d", r.Status)
	}

	prodCfg := testkit.Config(t)
	prodCfg.Env = "production"
	allow := true
	prodCfg.WebhookAllowPrivate = &allow
	prod := testkit.Start(t, prodCfg)
	acct := prod.SignUp()
	pch := prod.CreateAPIChannel(acct.Token, hook.URL)
	if r := prod.Do("POST", "/api/dev/channels/"+pch.ID+"/customer-message", acct.Token, map[string]any{"content": "x"}); r.Status != http.StatusNotFound {
		t.Fatalf("production serves the development route: %d %s", r.Status, r.Body)
	}
}
