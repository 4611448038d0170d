package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// TestAdminSettings: an owner sets agent visibility and makes an API key under Settings (shown once, works
// as a bearer token, stops working when revoked); an agent sees neither section.
func TestAdminSettings(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	p := b.NewPage(t, e.BaseURL)
	p.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	token := p.Token()
	p.Nav("Settings")

	p.Click(p.FindName("radio", "Agents see only their own and unassigned conversations"))
	var s struct {
		AgentVisibility string `json:"agentVisibility"`
	}
	p.Eventually("the engine to have the setting", func() bool {
		e.Must(http.StatusOK, "GET", "/api/settings", token, nil, &s)
		return s.AgentVisibility == "ASSIGNED_AND_UNASSIGNED"
	})

	p.Fill(p.FindName("textbox", "Key name"), "zapier")
	p.Click(p.FindName("button", "Create key"))
	shown := p.FindName("region", "New API key")
	key := strings.TrimSpace(p.Text(p.Find("code", Prefix(""), shown)))
	need(t, len(key) > 20, "the key shown is %q", key)
	p.Axe("settings with a new API key")
	e.Must(http.StatusOK, "GET", "/api/auth/me", key, nil, nil)
	p.Click(p.FindName("button", "I have copied it"))
	p.Eventually("the key to be shown no more", func() bool { return !p.Has("region", Exact("New API key")) })
	p.Eval(`window.confirm = () => true`, nil)
	p.Click(p.FindName("button", "Revoke zapier"))
	p.Eventually("the revoked key to stop working", func() bool { return e.Do("GET", "/api/auth/me", key, nil).Status == http.StatusUnauthorized })

	agentEmail := "agent-" + testkit.RandomID() + "@example.com"
	e.Must(http.StatusCreated, "POST", "/api/users", token, map[string]any{"email": agentEmail, "password": "correct-horse-battery", "role": "AGENT"}, nil)
	agent := b.NewPage(t, e.BaseURL)
	agent.LogIn(agentEmail, "correct-horse-battery")
	agent.Nav("Settings")
	agent.FindName("heading", "Labels")
	need(t, !agent.Has("heading", Exact("API keys")) && !agent.Has("heading", Exact("Agent visibility")), "the agent sees admin settings")
	need(t, !agent.Has("button", Exact("Add label")), "the agent can add labels")
	agent.Axe("settings as an agent")
}
