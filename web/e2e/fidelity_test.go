package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// TestRepliesReactionsEditsAndDeletes: Reply on a customer's message quotes it above the answer (and in the
// channel's webhook); React puts a reaction under the message, named with who reacted; Edit changes the
// team's message, marked "Edited" with the previous version readable; Delete for everyone leaves "This
// message was deleted" with what it said a click away.
func TestRepliesReactionsEditsAndDeletes(t *testing.T) {
	b := Setup(t)
	e := testkit.StartDefault(t)
	p := b.NewPage(t, e.BaseURL)
	p.SignUp("Acme", "owner-"+testkit.RandomID()+"@example.com", "correct-horse-battery")
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(p.Token(), hook.URL)
	hook.SetSecret(ch.Secret)
	ch.Inbound("m-1", "dana", "Do you have it in blue?")

	p.Click(p.Conversation("Customer dana"))
	p.WaitMessages("Do you have it in blue?")
	p.Click(p.FindName("button", "Reply to this message"))
	replying := p.FindName("group", "Replying to")
	need(t, strings.Contains(p.Text(replying), "Do you have it in blue?"), "the composer quotes %q", p.Text(replying))
	p.Axe("composer replying to a message")
	p.Reply("Yes, in blue and red.")
	p.Eventually("the reply Sent with its quote", func() bool {
		s := p.MessageItem("Yes, in blue and red.")
		return strings.Contains(s, "Sent") && strings.Contains(s, "Do you have it in blue?")
	})
	need(t, !p.Has("group", Exact("Replying to")), "the composer still replies after the send")
	testkit.Eventually(t, 10*time.Second, "the webhook to carry the quote", func() bool {
		d := hook.Deliveries()
		return len(d) == 1 && strings.Contains(string(d[0].Body), `"replyTo":{"messageId"`) && strings.Contains(string(d[0].Body), `"platformMessageId":"m-1"`)
	})

	// React to the customer's message (the first message's actions come first).
	p.Click(p.FindName("button", "React to this message"))
	p.Click(p.FindName("button", "React with 👍"))
	p.Find("listitem", Prefix("👍 by "), p.FindName("list", "Reactions"))

	// Edit our answer; the previous version stays readable.
	p.Click(p.FindName("button", "Edit this message"))
	box := p.FindName("textbox", "Edit message")
	p.Fill(box, "Yes, in blue, red and green.")
	p.Click(p.FindName("button", "Save edit"))
	p.WaitMessages("Yes, in blue, red and green.")
	p.Eventually("the Edited marker", func() bool { return strings.Contains(p.MessageItem("red and green"), "Edited") })
	p.Eval(`document.querySelector(".msg .versions summary").click()`, nil)
	p.Eventually("the previous version shown", func() bool { return strings.Contains(p.MessageItem("red and green"), "Yes, in blue and red.") })
	p.Axe("chat with a reaction and an edited message")

	// Delete it for everyone.
	p.Click(p.FindName("button", "Delete this message for everyone"))
	p.Click(p.FindName("button", "Yes, delete"))
	p.WaitMessages("This message was deleted")
	p.Axe("chat with a deleted message")
	p.Screenshot("replies-reactions-edits")
}
