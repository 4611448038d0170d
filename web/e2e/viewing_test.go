package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// TestViewingHints: two members with the same conversation open see each other ("is viewing", "is
// typing…"); the hint goes when the other leaves the conversation.
func TestViewingHints(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	owner := b.NewPage(t, e.BaseURL)
	owner.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	token := owner.Token()
	agentEmail := "agent-" + testkit.RandomID() + "@example.com"
	e.Must(http.StatusCreated, "POST", "/api/users", token, map[string]any{"email": agentEmail, "password": "correct-horse-battery", "role": "AGENT", "fullName": "Ana Agent"}, nil)
	ch := e.CreateAPIChannel(token, testkit.NewWebhookReceiver(t).URL)
	ch.Inbound("m-1", "dana", "Where is my parcel?")
	agent := b.NewPage(t, e.BaseURL)
	agent.LogIn(agentEmail, "correct-horse-battery")

	owner.Click(owner.Conversation("Customer dana"))
	owner.WaitMessages("Where is my parcel?")
	agent.Click(agent.Conversation("Customer dana"))
	agent.WaitMessages("Where is my parcel?")
	hint := owner.FindName("status", "Who else is here")
	owner.Eventually("the owner to see the agent viewing", func() bool { return strings.Contains(owner.Text(hint), "Ana Agent is viewing") })
	agent.Type(agent.FindName("textbox", "Message"), "Let me check")
	owner.Eventually("the owner to see the agent typing", func() bool { return strings.Contains(owner.Text(hint), "Ana Agent is typing") })
	need(t, !strings.Contains(owner.Text(hint), "owner-"), "the owner sees themself: %q", owner.Text(hint))
	owner.Axe("chat with a viewing hint")
	agent.Nav("Team")
	owner.Eventually("the hint to go when the agent leaves", func() bool { return !strings.Contains(owner.Text(hint), "Ana Agent") })
}
