package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/aezen/engine/internal/testkit"
)

// TestNotesAndMentions: the composer's Note mode writes an internal note, shown apart ("Internal note"),
// never sent to the channel; "@" offers team members and the mentioned agent gets a notification that
// opens the conversation.
func TestNotesAndMentions(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	owner := b.NewPage(t, e.BaseURL)
	owner.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	token := owner.Token()
	agentEmail := "agent-" + testkit.RandomID() + "@example.com"
	e.Must(http.StatusCreated, "POST", "/api/users", token, map[string]any{"email": agentEmail, "password": "correct-horse-battery", "role": "AGENT", "fullName": "Ana Agent"}, nil)
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(token, hook.URL)
	ch.Inbound("m-1", "dana", "Where is my parcel?")

	agent := b.NewPage(t, e.BaseURL)
	agent.LogIn(agentEmail, "correct-horse-battery")
	agent.Conversation("Customer dana")

	owner.Click(owner.Conversation("Customer dana"))
	owner.WaitMessages("Where is my parcel?")
	owner.Click(owner.FindName("button", "Note"))
	box := owner.FindName("textbox", "Internal note")
	owner.Type(box, "Courier says Friday. @An")
	picker := owner.FindName("listbox", "Mention a team member")
	owner.Axe("composer with the mention picker")
	owner.Click(owner.Find("option", Prefix("Ana Agent"), picker))
	owner.Eventually("the mention to be written", func() bool {
		var v string
		_ = owner.Call(box, `function(){ return this.value; }`, &v)
		return v == "Courier says Friday. @Ana Agent "
	})
	owner.Type(box, "can you tell her?")
	owner.Key(kb.Enter)
	note := owner.Find("listitem", Prefix("Internal note"), owner.FindName("list", "Messages"))
	need(t, strings.Contains(owner.Text(note), "Courier says Friday. @Ana Agent can you tell her?"), "the note reads %q", owner.Text(note))
	owner.Axe("chat with a note")

	// The agent is told, and the notice opens the conversation with the note in it.
	toast := agent.Shows("status", "mentioned you in a note")
	agent.Click(agent.FindName("link", "Open the conversation", toast))
	agent.WaitMessages("Courier says Friday.")
	agent.Find("listitem", Prefix("Internal note"), agent.FindName("list", "Messages"))
	agent.Axe("chat with a notification")
	agent.Screenshot("note-and-mention")

	// Reply mode again sends to the customer; the note never reached the channel.
	owner.Click(owner.FindName("button", "Reply"))
	owner.Reply("It arrives on Friday.")
	owner.Eventually("the reply Sent", func() bool { return strings.Contains(owner.MessageItem("It arrives on Friday."), "Sent") })
	for _, d := range hook.Deliveries() {
		need(t, !strings.Contains(string(d.Body), "Courier says"), "the note reached the channel's webhook: %s", d.Body)
	}
}
