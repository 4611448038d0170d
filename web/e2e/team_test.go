package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// TestOwnerAndAgentSeeEachOthersSends: two browser contexts of one tenant (owner and agent) see each
// other's replies live; another tenant sees nothing of it; the agent cannot manage the team.
func TestOwnerAndAgentSeeEachOthersSends(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	owner := b.NewPage(t, e.BaseURL)
	owner.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	token := owner.Token()

	agentEmail := "agent-" + testkit.RandomID() + "@example.com"
	e.Must(http.StatusCreated, "POST", "/api/users", token, map[string]any{"email": agentEmail, "password": "correct-horse-battery", "role": "AGENT"}, nil)
	agent := b.NewPage(t, e.BaseURL)
	agent.LogIn(agentEmail, "correct-horse-battery")

	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(token, hook.URL)
	ch.Inbound("m-1", "dana", "Where is my parcel?")
	for _, p := range []*Page{owner, agent} {
		p.Click(p.Conversation("Customer dana"))
		p.WaitMessages("Where is my parcel?")
	}
	owner.Reply("Let me check, one moment.")
	agent.WaitMessages("Let me check, one moment.")
	agent.Reply("It left the warehouse this morning.")
	owner.WaitMessages("It left the warehouse this morning.")
	owner.Eventually("both replies Sent for the owner", func() bool {
		return strings.Contains(owner.MessageItem("It left the warehouse"), "Sent") && strings.Contains(owner.MessageItem("Let me check"), "Sent")
	})

	// Another tenant, signed up in a third context, sees none of it.
	other := b.NewPage(t, e.BaseURL)
	other.SignUp("Other brand", "other-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	ch.Inbound("m-2", "dana", "Thanks!")
	owner.WaitMessages("Thanks!")
	need(t, len(other.All("link", other.FindName("list", "Conversations"))) == 0, "another tenant sees conversations")

	// Team: the owner manages it; the agent sees the list only.
	owner.Nav("Team")
	owner.FindName("button", "Add member")
	owner.Find("combobox", Exact("Role of "+agentEmail))
	// The last-owner rule, in the API's words.
	ownerEmail := owner.meEmail()
	owner.Choose(owner.FindName("combobox", "Role of "+ownerEmail), "agent")
	owner.Shows("alert", "the last owner cannot be removed or demoted")
	owner.Axe("team")
	owner.Screenshot("team")
	agent.Nav("Team")
	agent.Find("cell", Contains(agentEmail))
	need(t, !agent.Has("button", Exact("Add member")), "the agent can add members")
	need(t, !agent.Has("combobox", Prefix("Role of ")), "the agent can change roles")
	need(t, !agent.Has("button", Prefix("Remove ")), "the agent can remove members")
	if r := e.Do("POST", "/api/users", agent.Token(), map[string]any{"email": "x-" + testkit.RandomID() + "@example.com",
		"password": "correct-horse-battery", "role": "AGENT"}); r.Status != http.StatusForbidden {
		t.Fatalf("the agent adds a member through the API: %d", r.Status)
	}
	agent.Axe("team as an agent")
}

func (p *Page) meEmail() string {
	var me struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
	}
	p.Eval(`fetch("/api/auth/me", {headers: {Authorization: "Bearer " + localStorage.getItem("aezen.token")}}).then(r => r.json())`, &me)
	return me.User.Email
}
