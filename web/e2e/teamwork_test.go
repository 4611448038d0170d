package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// rows is the names of the inbox's rows.
func (p *Page) rows() []string {
	p.t.Helper()
	var out []string
	for _, l := range p.All("link", p.FindName("list", "Conversations")) {
		out = append(out, l.Name)
	}
	return out
}

// waitRows waits until the inbox shows exactly the conversations whose names start with contacts, in any order.
func (p *Page) waitRows(what string, contacts ...string) {
	p.t.Helper()
	p.Eventually(what, func() bool {
		rows := p.rows()
		if len(rows) != len(contacts) {
			return false
		}
		for _, c := range contacts {
			found := false
			for _, r := range rows {
				found = found || strings.HasPrefix(r, c)
			}
			if !found {
				return false
			}
		}
		return true
	})
}

// chatHeader is the text of the open chat's header line.
func (p *Page) chatHeader() string {
	p.t.Helper()
	return p.Text(p.Find("region", Prefix("Chat with ")))
}

// TestAssignFiltersAndStatus: an owner assigns a conversation to an agent from the chat header; the agent's
// inbox shows it live as theirs, the assignee filter (me, unassigned) follows assignments live, an agent
// takes an unassigned conversation; resolve, reopen and snooze change the status the filter sees.
func TestAssignFiltersAndStatus(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	owner := b.NewPage(t, e.BaseURL)
	owner.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	token := owner.Token()
	agentEmail := "agent-" + testkit.RandomID() + "@example.com"
	e.Must(http.StatusCreated, "POST", "/api/users", token, map[string]any{"email": agentEmail, "password": "correct-horse-battery", "role": "AGENT"}, nil)
	ch := e.CreateAPIChannel(token, testkit.NewWebhookReceiver(t).URL)
	ch.Inbound("m-1", "dana", "Where is my parcel?")
	ch.Inbound("m-2", "eli", "Do you ship to Lisbon?")
	ch.Inbound("m-3", "fay", "Can I change my order?")

	agent := b.NewPage(t, e.BaseURL)
	agent.LogIn(agentEmail, "correct-horse-battery")
	agent.waitRows("three conversations", "Customer dana", "Customer eli", "Customer fay")
	agent.Choose(agent.FindName("combobox", "Assignee", agent.FindName("region", "Inbox")), "Me")
	agent.waitRows("none assigned to the agent yet")

	// The owner assigns dana to the agent from the header.
	owner.Click(owner.Conversation("Customer dana"))
	owner.WaitMessages("Where is my parcel?")
	header := owner.Find("region", Prefix("Chat with "))
	owner.Choose(owner.FindName("combobox", "Assignee", header), agentEmail)
	owner.Eventually("the row to name the assignee", func() bool {
		return strings.Contains(owner.Conversation("Customer dana").Name, "Assigned to "+agentEmail)
	})
	agent.waitRows("dana to arrive live in the agent's own list", "Customer dana")
	agent.Eventually("the agent's row to say it is theirs", func() bool { return strings.Contains(agent.Conversation("Customer dana").Name, "Assigned to you") })
	owner.Axe("chat with assignment and status actions")

	// Unassigned: eli and fay; the agent takes fay, which leaves the filter live.
	agent.Choose(agent.FindName("combobox", "Assignee", agent.FindName("region", "Inbox")), "Unassigned")
	agent.waitRows("the unassigned conversations", "Customer eli", "Customer fay")
	agent.Click(agent.Conversation("Customer fay"))
	agent.WaitMessages("Can I change my order?")
	agent.Click(agent.FindName("button", "Assign to me"))
	agent.FindName("button", "Unassign me")
	agent.waitRows("fay to leave the unassigned list", "Customer eli")
	agent.Axe("chat as an agent")

	// Status: resolve, the filter, reopen, snooze.
	owner.Click(owner.FindName("button", "Resolve"))
	owner.Eventually("the header to say resolved", func() bool { return strings.Contains(owner.chatHeader(), "resolved") })
	inbox := owner.FindName("region", "Inbox")
	owner.Choose(owner.FindName("combobox", "Status", inbox), "Resolved")
	owner.waitRows("only the resolved conversation", "Customer dana")
	owner.Click(owner.FindName("button", "Reopen"))
	owner.waitRows("the reopened conversation to leave the resolved list")
	owner.Choose(owner.FindName("combobox", "Status", inbox), "Any status")
	owner.waitRows("all three again", "Customer dana", "Customer eli", "Customer fay")
	owner.Click(owner.FindName("button", "Snooze"))
	dialog := owner.FindName("dialog", "Snooze the conversation")
	owner.Click(owner.FindName("button", "Tomorrow 9:00", dialog))
	owner.Axe("snooze dialog")
	owner.Click(owner.FindName("button", "Snooze until then", dialog))
	owner.Eventually("the header to say snoozed", func() bool { return strings.Contains(owner.chatHeader(), "snoozed until") })
	owner.Choose(owner.FindName("combobox", "Status", inbox), "Pending")
	owner.waitRows("only the snoozed conversation", "Customer dana")
	var got struct {
		Status       string  `json:"status"`
		SnoozedUntil *string `json:"snoozedUntil"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations/"+owner.openChatID(), token, nil, &got)
	need(t, got.Status == "PENDING" && got.SnoozedUntil != nil, "the engine has %+v", got)
	owner.Screenshot("assign-and-status")
}

// openChatID is the id of the chat open in the page (from the URL).
func (p *Page) openChatID() string {
	var path string
	p.Eval(`location.pathname`, &path)
	return strings.TrimPrefix(path, "/inbox/")
}

// TestAgentLosesHiddenConversation: under "only their own and unassigned", an agent's inbox drops a
// conversation live when it is assigned to a colleague, and gains it back when it is unassigned.
func TestAgentLosesHiddenConversation(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	owner := b.NewPage(t, e.BaseURL)
	owner.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	token := owner.Token()
	var me struct {
		User struct {
			UserID string `json:"userId"`
		} `json:"user"`
	}
	e.Must(http.StatusOK, "GET", "/api/auth/me", token, nil, &me)
	e.Must(http.StatusOK, "PUT", "/api/settings", token, map[string]any{"agentVisibility": "ASSIGNED_AND_UNASSIGNED"}, nil)
	agentEmail := "agent-" + testkit.RandomID() + "@example.com"
	e.Must(http.StatusCreated, "POST", "/api/users", token, map[string]any{"email": agentEmail, "password": "correct-horse-battery", "role": "AGENT"}, nil)
	ch := e.CreateAPIChannel(token, testkit.NewWebhookReceiver(t).URL)
	dana, _ := ch.Inbound("m-1", "dana", "Where is my parcel?")
	ch.Inbound("m-2", "eli", "Do you ship to Lisbon?")

	agent := b.NewPage(t, e.BaseURL)
	agent.LogIn(agentEmail, "correct-horse-battery")
	agent.waitRows("both unassigned conversations", "Customer dana", "Customer eli")
	e.Must(http.StatusOK, "POST", "/api/conversations/"+dana.ChatID+"/assign", token, map[string]any{"userId": me.User.UserID}, nil)
	agent.waitRows("dana to leave the agent's inbox", "Customer eli")
	e.Must(http.StatusOK, "POST", "/api/conversations/"+dana.ChatID+"/assign", token, map[string]any{"userId": nil}, nil)
	agent.waitRows("dana to come back once unassigned", "Customer dana", "Customer eli")
}
